package io.github.twocheckout.connector.protocol;

/** The body is over the configured limit: answered 413. */
public class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(long limit) {
        super("body larger than " + limit + " bytes");
    }
}
