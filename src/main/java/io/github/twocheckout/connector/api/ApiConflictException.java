package io.github.twocheckout.connector.api;

/** The request cannot be applied to the current state (a duplicate, the last admin, a replay of a rejected call): 409. */
public class ApiConflictException extends RuntimeException {
    public ApiConflictException(String message) {
        super(message);
    }
}
