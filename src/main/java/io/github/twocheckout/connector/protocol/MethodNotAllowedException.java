package io.github.twocheckout.connector.protocol;

/** A 2Checkout endpoint called with a method it does not take: answered 405 and recorded like any rejection. */
public class MethodNotAllowedException extends RuntimeException {
    public MethodNotAllowedException(String method) {
        super("method " + method + " not allowed: 2Checkout posts");
    }
}
