package io.github.twocheckout.connector.mail;

/** An email's content that knows its recipients (comma separated), as the composer reads them. */
public interface Addressed {
    String getTo();
}
