-- The failure-share alert checks every vendor every minute: a partial index of its failed and
-- rejected notifications answers that without counting an hour of its notifications; only a vendor
-- with failures counts the rest, and no further than the share needs. Rows that are never FAILED or
-- REJECTED have no entry, so intake and processing pay nothing for it.
CREATE INDEX notification_failing_idx ON notification (vendor_id, received_at) WHERE status IN ('FAILED', 'REJECTED');
