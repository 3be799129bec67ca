package io.github.twocheckout.connector.model;

import java.util.List;

/**
 * A verified call, ready to be stored: what the notification table needs to know about it.
 * {@code subscriptionRefs}: the 2Checkout subscriptions it concerns (IPN_LICENSE_REF, LCN LICENSE_CODE).
 */
public record IncomingNotification(String channel, long vendorId, String messageId, String messageType,
                                   String orderRef, String invoiceId, String eventKey, List<String> subscriptionRefs,
                                   String rawBody, String contentType, String remoteAddress, String verification) {
}
