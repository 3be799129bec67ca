-- Codes from the vendor's license server (remote: an http(s) URI) or from a route of the integration
-- engineer's own (route: a direct: URI), asked for outside any held transaction: the license is
-- reserved first (a code_request row, keyed by the license's identity), the source is called after
-- that commit with the key as its idempotency key, and the license is issued from the stored answer.
ALTER TABLE connector DROP CONSTRAINT connector_code_source_check;
ALTER TABLE connector ADD CONSTRAINT connector_code_source_check CHECK (code_source IN ('builtin', 'pool', 'remote', 'route'));
ALTER TABLE connector ADD COLUMN code_source_uri TEXT;
ALTER TABLE connector ADD COLUMN code_source_secret TEXT;   -- whsec_...: signs the requests to a license server

CREATE TABLE code_request (
    id                BIGSERIAL PRIMARY KEY,
    idempotency_key   TEXT NOT NULL UNIQUE,      -- vendor:order:mapping:unit, the license's identity
    connector_id      BIGINT NOT NULL REFERENCES connector (id),
    notification_id   BIGINT REFERENCES notification (id),   -- the notification waiting for the code
    request           TEXT NOT NULL,             -- the JSON sent (docs/code-sources.md)
    code              TEXT,
    expires_at        TIMESTAMPTZ,
    status            TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    attempts          INT NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until       TIMESTAMPTZ,
    last_error        TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    answered_at       TIMESTAMPTZ
);
CREATE INDEX code_request_due_idx ON code_request (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX code_request_notification_idx ON code_request (notification_id) WHERE status = 'PENDING';
