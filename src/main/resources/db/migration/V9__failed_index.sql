-- The dead-letter gauge of /observe/metrics (connector_notifications_dead_lettered) counted the FAILED
-- rows by reading the whole notification table at every scrape: 0.4 s at 115,000 rows, growing with
-- the table. Failed rows are few, so a partial index of them is small and answers the count.
CREATE INDEX notification_failed_idx ON notification (received_at) WHERE status = 'FAILED';
