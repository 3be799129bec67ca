package io.github.twocheckout.connector.model;

/** The body is over the configured limit: answered 413. */
public class PayloadTooLargeException extends IntakeRejection {
    public PayloadTooLargeException(long limit) {
        super("body larger than " + limit + " bytes");
    }
}
