package io.github.twocheckout.connector.model;

/** 2Checkout posts application/x-www-form-urlencoded; anything else is answered 415. */
public class UnsupportedContentTypeException extends IntakeRejection {
    public UnsupportedContentTypeException(String contentType) {
        super("unsupported content type '" + contentType + "', expected application/x-www-form-urlencoded");
    }
}
