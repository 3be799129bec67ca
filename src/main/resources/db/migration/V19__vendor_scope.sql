-- Accounts scoped to vendors. The operator's roles see every vendor (admin) or the vendors that granted
-- support access (support); a vendor's roles see the vendors they belong to (vendor-admin changes them,
-- vendor-viewer reads them).
ALTER TABLE panel_user DROP CONSTRAINT panel_user_role_check;
ALTER TABLE panel_user ADD CONSTRAINT panel_user_role_check
    CHECK (role IN ('admin', 'support', 'vendor-admin', 'vendor-viewer'));

CREATE TABLE panel_user_vendor (
    user_id    BIGINT NOT NULL REFERENCES panel_user (id),
    vendor_id  BIGINT NOT NULL REFERENCES vendor (id),
    PRIMARY KEY (user_id, vendor_id)
);
CREATE INDEX panel_user_vendor_vendor_idx ON panel_user_vendor (vendor_id);

-- A vendor's grant of access to the operator's support team, until a time or until revoked. Rows are
-- kept after revocation: the history of who could see a vendor, and when.
CREATE TABLE support_grant (
    id          BIGSERIAL PRIMARY KEY,
    vendor_id   BIGINT NOT NULL REFERENCES vendor (id),
    granted_by  TEXT NOT NULL,
    granted_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    until       TIMESTAMPTZ,
    revoked_by  TEXT,
    revoked_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX support_grant_open_uq ON support_grant (vendor_id) WHERE revoked_at IS NULL;

-- Which vendor an audit entry concerns, so that a vendor's admins read their own part of the log.
ALTER TABLE audit_log ADD COLUMN vendor_id BIGINT;
CREATE INDEX audit_log_vendor_idx ON audit_log (vendor_id, id) WHERE vendor_id IS NOT NULL;

-- Lists a page at a time (measured with a million licenses: docs/benchmarks.md, lists): newest issued
-- first within a vendor's scope (or every vendor's), a connector's; each sortable column and the status filter with its index; an
-- exact customer email; and free-text search over what people type (a code, an order, a name, an email)
-- through trigrams, so a search does not read every row.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX license_vendor_issued_idx ON license (vendor_id, issued_at);
CREATE INDEX license_connector_issued_idx ON license (connector_id, issued_at);
CREATE INDEX license_issued_idx ON license (issued_at);
CREATE INDEX license_expires_idx ON license (expires_at);
CREATE INDEX license_status_idx ON license (status);
CREATE INDEX license_email_idx ON license (lower(customer_email));
CREATE INDEX license_text_trgm_idx ON license USING GIN (
    (code || ' ' || order_ref || ' ' || coalesce(subscription_ref, '') || ' ' || coalesce(customer_name, '') || ' '
        || coalesce(customer_email, '')) gin_trgm_ops);
CREATE INDEX notification_vendor_id_idx ON notification (vendor_id, id);
