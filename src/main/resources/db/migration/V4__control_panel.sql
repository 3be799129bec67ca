-- Control panel: users, their sessions, and what the configuration file last seeded.

-- People who log in to the panel and API. Passwords: BCrypt hashes only. A removed user is deleted;
-- their sessions go with them, so the removal takes effect on the next request.
CREATE TABLE panel_user (
    id               BIGSERIAL PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9._@-]{2,64}$'),
    role             TEXT NOT NULL CHECK (role IN ('admin', 'support')),
    password_hash    TEXT NOT NULL,
    failed_logins    INT NOT NULL DEFAULT 0,
    locked_until     TIMESTAMPTZ,
    created_by       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Server-side sessions (several instances share them). The cookie carries a random id; only its
-- SHA-256 is stored. The CSRF token must come back in X-CSRF-Token on every state-changing request.
CREATE TABLE panel_session (
    id_hash          TEXT PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES panel_user (id) ON DELETE CASCADE,
    csrf_token       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX panel_session_user_idx ON panel_session (user_id);

-- The configuration file seeds the database; the panel edits it. The file is applied again only when
-- its content changed since it was last applied (or exported).
CREATE TABLE config_state (
    file_path        TEXT PRIMARY KEY,
    content_sha256   TEXT NOT NULL,
    applied_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Who changed a license by hand.
ALTER TABLE license_event ADD COLUMN actor TEXT;

-- When the panel shows a vendor, connector or mapping, it says since when it exists.
ALTER TABLE vendor ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE connector ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE product_mapping ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();
