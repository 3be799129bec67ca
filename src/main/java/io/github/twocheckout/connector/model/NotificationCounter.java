package io.github.twocheckout.connector.model;

/** Counts notifications as they finish (the metrics); the store reports to it. */
public interface NotificationCounter {

    /** One notification finished (or was rejected): status PROCESSED, IGNORED, PARKED, FAILED or REJECTED. */
    void finished(String channel, String messageType, String status);
}
