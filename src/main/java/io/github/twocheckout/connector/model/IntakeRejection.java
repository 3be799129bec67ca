package io.github.twocheckout.connector.model;

/** A call intake refuses, with the reason it is answered 4xx (routeConfiguration intake-errors maps each kind to its status). */
public abstract class IntakeRejection extends RuntimeException {

    protected IntakeRejection(String message) {
        super(message);
    }

    protected IntakeRejection(String message, Throwable cause) {
        super(message, cause);
    }
}
