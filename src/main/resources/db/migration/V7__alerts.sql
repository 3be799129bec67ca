-- Alerts and the daily digest read a vendor's recent notifications (failure share, silence, INS
-- message_id gaps) and a day's license events; without these they would scan whole tables.
CREATE INDEX notification_vendor_received_idx ON notification (vendor_id, received_at);
CREATE INDEX license_event_created_idx ON license_event (created_at);
