package io.github.twocheckout.connector.api;

/** No valid session, token or credentials: answered 401. */
public class ApiUnauthorizedException extends RuntimeException {
    public ApiUnauthorizedException() {
        this("login required");
    }

    public ApiUnauthorizedException(String message) {
        super(message);
    }
}
