package io.github.twocheckout.connector.model;

/** The request body did not arrive within the intake's time limit: answered 408, the connection closed. */
public class RequestTimeoutException extends IntakeRejection {
    public RequestTimeoutException(long millis) {
        super("the request body did not arrive within " + millis + " ms");
    }
}
