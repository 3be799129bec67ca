package io.github.twocheckout.connector.api;

/** Logged in, but the role does not allow it, or the CSRF token is missing: answered 403. */
public class ApiForbiddenException extends RuntimeException {
    public ApiForbiddenException(String message) {
        super(message);
    }
}
