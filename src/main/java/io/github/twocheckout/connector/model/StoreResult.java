package io.github.twocheckout.connector.model;

/**
 * The outcome of storing a verified call: the row id, whether it was a repeat of a stored one, and
 * whether that row now waits for processing (new, or a repeat of one that had failed, put back).
 */
public final class StoreResult {
    private final long notificationId;
    private final boolean duplicate;
    private final boolean enqueue;

    public StoreResult(long notificationId, boolean duplicate, boolean enqueue) {
        this.notificationId = notificationId;
        this.duplicate = duplicate;
        this.enqueue = enqueue;
    }

    public long getNotificationId() {
        return notificationId;
    }

    public boolean isDuplicate() {
        return duplicate;
    }

    public boolean isEnqueue() {
        return enqueue;
    }
}
