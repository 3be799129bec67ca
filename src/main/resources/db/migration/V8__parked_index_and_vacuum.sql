-- Parked notifications are looked up after every order that issued licenses (releaseParked) and by
-- the recovery poller. Through notification_pending_idx and notification_vendor_received_idx the
-- planner, without fresh statistics (a new or busy table between autovacuum runs), combined both
-- and read every notification of the vendor: milliseconds per order, growing with the table. These
-- partial indexes hold the parked rows only, so the lookup costs the same at any table size.
CREATE INDEX notification_parked_order_idx ON notification (vendor_id, order_ref) WHERE status = 'PARKED';
CREATE INDEX notification_parked_subscription_idx ON notification USING GIN (subscription_refs) WHERE status = 'PARKED';
-- Only parked rows were ever searched by subscription; the full index cost an entry per notification.
DROP INDEX notification_subscription_idx;

-- Every notification row is written three times (received, claimed, processed) and every email three times
-- (queued, leased, sent): with the default thresholds (a fifth of the table) dead rows pile up in
-- the indexes the queues are read through. Vacuum and analyze these tables after 2 % of changes.
ALTER TABLE notification SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE mail_outbox SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
