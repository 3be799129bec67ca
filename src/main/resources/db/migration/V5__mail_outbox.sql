-- Emails are written here first and sent from here, so that an SMTP outage delays them without
-- losing any, and a retried or replayed notification does not send one twice (dedup_key).
CREATE TABLE mail_outbox (
    id               BIGSERIAL PRIMARY KEY,
    dedup_key        TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,                 -- vendor-success, processing-error, rejected-call, parked-notification
    notification_id  BIGINT,
    reason_key       TEXT,                          -- rejections: channel and reason, for throttling
    mail_from        TEXT NOT NULL,
    mail_to          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT')),
    attempts         INT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until      TIMESTAMPTZ,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at          TIMESTAMPTZ
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX mail_outbox_reason_idx ON mail_outbox (reason_key, created_at) WHERE reason_key IS NOT NULL;
