package io.github.twocheckout.connector.storage;

/** A verified call, ready to be stored: what the notification table needs to know about it. */
public record IncomingNotification(String channel, long vendorId, String messageId, String messageType,
                                   String orderRef, String invoiceId, String eventKey, String rawBody,
                                   String contentType, String remoteAddress, String verification) {
}
