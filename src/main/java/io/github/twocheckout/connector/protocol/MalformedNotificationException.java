package io.github.twocheckout.connector.protocol;

/** The call cannot be read as a notification (broken encoding, missing fields): answered 400. */
public class MalformedNotificationException extends RuntimeException {
    public MalformedNotificationException(String message) {
        super(message);
    }
}
