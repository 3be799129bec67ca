-- What the connector tells others, written in the transaction of the change it reports and sent from
-- here after the commit (routes/idn.camel.yaml, routes/events.camel.yaml), as the mail outbox does.

-- IDN: 2Checkout holds a dynamic-list order "in progress" (and the vendor's money) until fulfilment is
-- confirmed. One row per order of a vendor that opted in: the key generator's answer and IPN COMPLETE
-- each set their half (whichever comes first creates the row; the unique key serialises the two), and
-- the row is due once both are there. It is never sent again once 2Checkout accepted it.
ALTER TABLE vendor ADD COLUMN idn_enabled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE idn_outbox (
    id                  BIGSERIAL PRIMARY KEY,
    vendor_id           BIGINT NOT NULL REFERENCES vendor (id),
    order_ref           TEXT NOT NULL,
    order_amount        TEXT,                    -- IPN_TOTALGENERAL, exactly as 2Checkout posted it
    order_currency      TEXT,                    -- CURRENCY
    codes_answered_at   TIMESTAMPTZ,             -- the key generator answered with the order's codes
    ipn_complete_at     TIMESTAMPTZ,             -- IPN COMPLETE processed
    status              TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'CONFIRMED', 'FAILED')),
    attempts            INT NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until         TIMESTAMPTZ,
    last_error          TEXT,
    idn_date            TEXT,                    -- IDN_DATE of the last attempt
    response_code       TEXT,                    -- 2Checkout's answer to the last attempt, parsed
    response_message    TEXT,
    response_body       TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    confirmed_at        TIMESTAMPTZ,
    UNIQUE (vendor_id, order_ref)
);
CREATE INDEX idn_outbox_due_idx ON idn_outbox (next_attempt_at)
    WHERE status = 'PENDING' AND codes_answered_at IS NOT NULL AND ipn_complete_at IS NOT NULL;

-- Where a connector's license events go: any Camel endpoint URI; an http(s) one is a webhook signed
-- as Standard Webhooks describes, with secret (and, during a rotation, secret_previous: both sign).
CREATE TABLE event_destination (
    id               BIGSERIAL PRIMARY KEY,
    connector_id     BIGINT NOT NULL REFERENCES connector (id),
    name             TEXT NOT NULL,
    uri              TEXT NOT NULL,
    event_types      TEXT NOT NULL DEFAULT '*',   -- comma-separated types (license.issued, ...), or *
    secret           TEXT,                        -- whsec_<base64>
    secret_previous  TEXT,
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (connector_id, name)
);

-- One row per event and destination. Sent in order per license and destination: a row is not claimed
-- while an earlier one of its license is still pending there. FAILED rows are the dead letter, sent
-- again by a replay.
CREATE TABLE event_outbox (
    id               BIGSERIAL PRIMARY KEY,
    destination_id   BIGINT NOT NULL REFERENCES event_destination (id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,               -- webhook-id: the same for every destination and attempt
    event_type       TEXT NOT NULL,
    license_id       BIGINT REFERENCES license (id),
    notification_id  BIGINT REFERENCES notification (id),
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    attempts         INT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until      TIMESTAMPTZ,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at          TIMESTAMPTZ,
    UNIQUE (destination_id, event_id)
);
CREATE INDEX event_outbox_due_idx ON event_outbox (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX event_outbox_license_idx ON event_outbox (destination_id, license_id, id) WHERE status = 'PENDING';
CREATE INDEX event_outbox_created_idx ON event_outbox (created_at);

-- The webhook type of an audit event: the change in the license's terms (license.issued, ...); NULL for
-- events that change nothing (CONFIRMED: another channel reported a license that exists).
CREATE FUNCTION license_event_type(event TEXT) RETURNS TEXT AS $$
    SELECT CASE
        WHEN event = 'CONFIRMED' THEN NULL
        WHEN event IN ('REINSTATED', 'REACTIVATED', 'MANUAL_REINSTATE') THEN 'license.reinstated'
        WHEN event = 'MANUAL_SUSPEND' THEN 'license.suspended'
        WHEN event = 'MANUAL_REVOKE' THEN 'license.revoked'
        ELSE 'license.' || lower(event)
    END
$$ LANGUAGE sql IMMUTABLE;

-- Every audit event is one event per destination of its connector, queued when its transaction
-- commits (a deferred trigger: by then the license row holds the change, whichever order the code
-- wrote the two in). Every path that changes a license writes license_event, so none can forget this.
CREATE FUNCTION queue_license_event() RETURNS trigger AS $$
BEGIN
    INSERT INTO event_outbox (destination_id, event_id, event_type, license_id, notification_id, payload)
    SELECT d.id, 'evt_' || NEW.id, license_event_type(NEW.event), l.id, NEW.notification_id,
           json_build_object(
               'type', license_event_type(NEW.event),
               'timestamp', NEW.created_at,
               'data', json_build_object(
                   'schemaVersion', 1,
                   'eventId', 'evt_' || NEW.id,
                   'change', NEW.event,
                   'fromStatus', NEW.from_status,
                   'toStatus', NEW.to_status,
                   'detail', NEW.detail,
                   'actor', NEW.actor,
                   'notificationId', NEW.notification_id,
                   'license', json_build_object(
                       'id', l.id, 'code', l.code, 'status', l.status, 'statusReason', l.status_reason,
                       'vendor', v.code, 'connector', c.code,
                       'product', json_build_object('id', m.product_id, 'code', m.product_code, 'name', m.name,
                                                    'edition', m.edition, 'licenseType', m.license_type,
                                                    'maxActivations', m.max_activations),
                       'orderRef', l.order_ref, 'unit', l.unit_no, 'quantity', l.quantity,
                       'subscriptionRef', l.subscription_ref, 'renewing', l.renewing,
                       'customer', json_build_object('name', l.customer_name, 'email', l.customer_email),
                       'test', l.test, 'issuedAt', l.issued_at, 'expiresAt', l.expires_at)))::text
    FROM license l
    JOIN vendor v ON v.id = l.vendor_id
    JOIN connector c ON c.id = l.connector_id
    JOIN product_mapping m ON m.id = l.product_mapping_id
    JOIN event_destination d ON d.connector_id = l.connector_id AND d.enabled
    WHERE l.id = NEW.license_id
      AND license_event_type(NEW.event) IS NOT NULL
      AND (d.event_types = '*' OR license_event_type(NEW.event) = ANY (string_to_array(replace(d.event_types, ' ', ''), ',')))
    ON CONFLICT (destination_id, event_id) DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER license_event_queued AFTER INSERT ON license_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION queue_license_event();
