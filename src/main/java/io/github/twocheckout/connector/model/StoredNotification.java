package io.github.twocheckout.connector.model;

/** A notification claimed for processing. Getters so that routes can read it with simple expressions. */
public final class StoredNotification {
    private final long id;
    private final String channel;
    private final Long vendorId;
    private final String messageType;
    private final String orderRef;
    private final String rawBody;
    private final int attempts;

    public StoredNotification(long id, String channel, Long vendorId, String messageType, String orderRef,
                              String rawBody, int attempts) {
        this.id = id;
        this.channel = channel;
        this.vendorId = vendorId;
        this.messageType = messageType;
        this.orderRef = orderRef;
        this.rawBody = rawBody;
        this.attempts = attempts;
    }

    public long getId() {
        return id;
    }

    public String getChannel() {
        return channel;
    }

    public Long getVendorId() {
        return vendorId;
    }

    public String getMessageType() {
        return messageType;
    }

    public String getOrderRef() {
        return orderRef;
    }

    public String getRawBody() {
        return rawBody;
    }

    public int getAttempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "notification " + id + " (" + channel + " " + messageType + ", order " + orderRef + ")";
    }
}
