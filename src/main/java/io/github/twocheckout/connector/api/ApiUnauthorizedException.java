package io.github.twocheckout.connector.api;

/** A call to the read API without the right token: answered 401. */
public class ApiUnauthorizedException extends RuntimeException {
    public ApiUnauthorizedException() {
        super("unauthorized: send Authorization: Bearer <api.token>");
    }
}
