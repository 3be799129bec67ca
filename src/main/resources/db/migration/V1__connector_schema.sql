-- Vendors served by this connector, their connectors (one per vendor product) and the mapping of
-- 2Checkout product ids/codes to license parameters. Loaded from config/connectors.yaml at start.
CREATE TABLE vendor (
    id                    BIGSERIAL PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    ins_vendor_id         TEXT UNIQUE,           -- legacy seller id, posted as INS vendor_id
    merchant_code         TEXT UNIQUE,           -- current platform merchant code (IPN/LCN)
    secret_word           TEXT,                  -- INS md5_hash
    secret_word_previous  TEXT,                  -- accepted during a rotation grace period
    secret_key            TEXT,                  -- IPN/LCN/key generator HMAC
    secret_key_previous   TEXT,
    contact_email         TEXT NOT NULL,
    allow_md5_only        BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE connector (
    id                         BIGSERIAL PRIMARY KEY,
    vendor_id                  BIGINT NOT NULL REFERENCES vendor (id),
    code                       TEXT NOT NULL,
    name                       TEXT NOT NULL,
    enabled                    BOOLEAN NOT NULL DEFAULT TRUE,
    mode                       TEXT NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'testing')),
    email_on_success           BOOLEAN NOT NULL DEFAULT FALSE,
    recipients                 TEXT NOT NULL DEFAULT '',    -- extra addresses, comma separated
    refund_policy              TEXT NOT NULL DEFAULT 'revoke' CHECK (refund_policy IN ('revoke', 'suspend', 'notify')),
    failed_renewal_policy      TEXT NOT NULL DEFAULT 'past_due' CHECK (failed_renewal_policy IN ('past_due', 'suspend')),
    stopped_policy             TEXT NOT NULL DEFAULT 'keep_until_expiry' CHECK (stopped_policy IN ('keep_until_expiry', 'revoke')),
    issue_before_fraud_review  BOOLEAN NOT NULL DEFAULT FALSE,
    code_prefix                TEXT NOT NULL DEFAULT '',
    updated_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (vendor_id, code)
);

CREATE TABLE product_mapping (
    id               BIGSERIAL PRIMARY KEY,
    vendor_id        BIGINT NOT NULL REFERENCES vendor (id),
    connector_id     BIGINT NOT NULL REFERENCES connector (id),
    product_id       TEXT,                   -- 2Checkout product id (IPN_PID)
    product_code     TEXT,                   -- the vendor's product code (IPN_PCODE, INS item_id_#)
    name             TEXT NOT NULL,
    edition          TEXT NOT NULL DEFAULT '',
    license_type     TEXT NOT NULL CHECK (license_type IN ('perpetual', 'subscription')),
    duration         TEXT,                   -- ISO-8601 period (P1Y, P1M); subscriptions only
    max_activations  INT NOT NULL DEFAULT 1,
    code_mode        TEXT NOT NULL DEFAULT 'per_unit' CHECK (code_mode IN ('per_unit', 'per_line')),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (product_id IS NOT NULL OR product_code IS NOT NULL),
    CHECK (license_type = 'perpetual' OR duration IS NOT NULL),
    UNIQUE (vendor_id, product_id),
    UNIQUE (vendor_id, product_code)
);

-- Every call received, accepted or not: the inbox, the log and the dead-letter store in one.
CREATE TABLE notification (
    id                 BIGSERIAL PRIMARY KEY,
    channel            TEXT NOT NULL,            -- INS, IPN, LCN, KEYGEN
    vendor_id          BIGINT REFERENCES vendor (id),
    message_id         TEXT,
    message_type       TEXT,
    order_ref          TEXT,
    invoice_id         TEXT,
    event_key          TEXT,                     -- business identity of the event (hash)
    raw_body           TEXT NOT NULL,
    content_type       TEXT,
    remote_address     TEXT,
    verification       TEXT,                     -- how the signature was checked, and the result
    status             TEXT NOT NULL CHECK (status IN ('RECEIVED', 'PROCESSING', 'PROCESSED', 'IGNORED', 'PARKED', 'REJECTED', 'FAILED')),
    http_status        INT,
    outcome            TEXT,                     -- what processing did, in words
    attempts           INT NOT NULL DEFAULT 0,
    last_error         TEXT,
    duplicates         INT NOT NULL DEFAULT 0,   -- further deliveries of the same message or event
    last_duplicate_at  TIMESTAMPTZ,
    lease_until        TIMESTAMPTZ,              -- while PROCESSING: when another worker may take over
    received_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at       TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notification_message_uq ON notification (vendor_id, channel, message_id)
    WHERE status <> 'REJECTED' AND message_id IS NOT NULL;
CREATE UNIQUE INDEX notification_event_uq ON notification (vendor_id, channel, event_key)
    WHERE status <> 'REJECTED';
CREATE INDEX notification_pending_idx ON notification (status, received_at) WHERE status IN ('RECEIVED', 'PROCESSING', 'PARKED');
CREATE INDEX notification_order_idx ON notification (order_ref);

-- One license per (vendor, order, product line, unit): the key that makes every channel idempotent.
CREATE TABLE license (
    id                  BIGSERIAL PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    vendor_id           BIGINT NOT NULL REFERENCES vendor (id),
    connector_id        BIGINT NOT NULL REFERENCES connector (id),
    product_mapping_id  BIGINT NOT NULL REFERENCES product_mapping (id),
    order_ref           TEXT NOT NULL,
    unit_no             INT NOT NULL,            -- 1..quantity, or 0 for one code per line
    quantity            INT NOT NULL DEFAULT 1,
    subscription_ref    TEXT,
    customer_name       TEXT,
    customer_email      TEXT,
    status              TEXT NOT NULL CHECK (status IN ('ACTIVE', 'PAST_DUE', 'SUSPENDED', 'REVOKED', 'EXPIRED')),
    status_reason       TEXT,
    renewing            BOOLEAN NOT NULL DEFAULT FALSE,
    test                BOOLEAN NOT NULL,
    issued_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at          TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (vendor_id, order_ref, product_mapping_id, unit_no)
);
CREATE INDEX license_order_idx ON license (order_ref);

-- Audit trail: which notification changed which license, how. event_key makes each change happen once.
CREATE TABLE license_event (
    id               BIGSERIAL PRIMARY KEY,
    license_id       BIGINT NOT NULL REFERENCES license (id),
    notification_id  BIGINT REFERENCES notification (id),
    event            TEXT NOT NULL,
    event_key        TEXT NOT NULL,
    from_status      TEXT,
    to_status        TEXT,
    detail           TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (license_id, event_key)
);
