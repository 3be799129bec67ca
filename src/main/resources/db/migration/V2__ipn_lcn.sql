-- IPN and LCN: subscriptions, upgrades, when to issue, and parked notifications by subscription.

-- Issue on COMPLETE (default) or already on PAYMENT_AUTHORIZED, per connector.
ALTER TABLE connector ADD COLUMN issue_on TEXT NOT NULL DEFAULT 'complete'
    CHECK (issue_on IN ('complete', 'payment_authorized'));

-- An upgrade to this product either updates the subscription's license in place (same code) or
-- issues a new license and revokes the one it replaces.
ALTER TABLE product_mapping ADD COLUMN upgrade_policy TEXT NOT NULL DEFAULT 'update_license'
    CHECK (upgrade_policy IN ('update_license', 'new_license'));

-- A license upgraded in place changes product_mapping_id; its identity stays the line it was issued
-- for, so the original order's notifications still find it and never issue a second one.
ALTER TABLE license ADD COLUMN original_mapping_id BIGINT REFERENCES product_mapping (id);
UPDATE license SET original_mapping_id = product_mapping_id;
ALTER TABLE license ALTER COLUMN original_mapping_id SET NOT NULL;
ALTER TABLE license DROP CONSTRAINT license_vendor_id_order_ref_product_mapping_id_unit_no_key;
ALTER TABLE license ADD CONSTRAINT license_unit_uq UNIQUE (vendor_id, order_ref, original_mapping_id, unit_no);
CREATE INDEX license_subscription_idx ON license (vendor_id, subscription_ref) WHERE subscription_ref IS NOT NULL;

-- The subscriptions a notification concerns (IPN_LICENSE_REF, LCN LICENSE_CODE): a parked renewal or
-- LCN change is released when licenses with one of them exist.
ALTER TABLE notification ADD COLUMN subscription_refs TEXT[];
ALTER TABLE notification ADD COLUMN parked_reported_at TIMESTAMPTZ;
CREATE INDEX notification_subscription_idx ON notification USING GIN (subscription_refs);
