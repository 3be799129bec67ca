package io.github.twocheckout.connector.storage;

/**
 * The outcome of storing a verified call: the row id, whether it was a repeat of a stored one, and
 * whether that row should be (re)queued for processing (new, or a repeat of one that had failed).
 */
public record StoreResult(long notificationId, boolean duplicate, boolean enqueue) {

    public boolean isEnqueue() {
        return enqueue;
    }

    public long getNotificationId() {
        return notificationId;
    }

    public boolean isDuplicate() {
        return duplicate;
    }
}
