package io.github.twocheckout.connector.api;

/** The addressed record does not exist: answered 404. */
public class ApiNotFoundException extends RuntimeException {
    public ApiNotFoundException(String message) {
        super(message);
    }
}
