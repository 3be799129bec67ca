package io.github.twocheckout.connector.protocol;

/** 2Checkout posts application/x-www-form-urlencoded; anything else is answered 415. */
public class UnsupportedContentTypeException extends RuntimeException {
    public UnsupportedContentTypeException(String contentType) {
        super("unsupported content type '" + contentType + "', expected application/x-www-form-urlencoded");
    }
}
