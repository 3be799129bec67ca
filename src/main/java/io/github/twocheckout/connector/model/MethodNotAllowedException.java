package io.github.twocheckout.connector.model;

/** A 2Checkout endpoint called with a method it does not take: answered 405 and recorded like any rejection. */
public class MethodNotAllowedException extends IntakeRejection {
    public MethodNotAllowedException(String method) {
        super("method " + method + " not allowed: 2Checkout posts");
    }
}
