package io.github.twocheckout.connector.model;

/** The call cannot be read as a notification (broken encoding, missing fields): answered 400. */
public class MalformedNotificationException extends IntakeRejection {
    public MalformedNotificationException(String message) {
        super(message);
    }
}
