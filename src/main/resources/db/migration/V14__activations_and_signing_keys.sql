-- The machines a license is activated on (the public licensing API, /v1/licenses). A seat is a row
-- with released_at NULL; one per (license, fingerprint), so activating the same machine again takes
-- no new seat. Released rows stay: the panel shows who moved where, and reports count per day.
CREATE TABLE license_activation (
    id              BIGSERIAL PRIMARY KEY,
    license_id      BIGINT NOT NULL REFERENCES license (id),
    fingerprint     TEXT NOT NULL,
    machine_name    TEXT,
    client_address  TEXT,
    first_seen_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    released_at     TIMESTAMPTZ,
    released_by     TEXT                     -- 'application' (deactivate), or the panel user
);
CREATE UNIQUE INDEX license_activation_seat_uq ON license_activation (license_id, fingerprint) WHERE released_at IS NULL;
CREATE INDEX license_activation_license_idx ON license_activation (license_id);
CREATE INDEX license_activation_day_idx ON license_activation (first_seen_at);

-- The Ed25519 key pairs that sign license documents. The newest key not retired signs; every key stays
-- published (JWKS) so that documents signed before a rotation still verify.
CREATE TABLE signing_key (
    kid          TEXT PRIMARY KEY,           -- RFC 7638 thumbprint of the public JWK
    public_key   BYTEA NOT NULL,             -- the raw 32-byte Ed25519 public key
    private_key  BYTEA NOT NULL,             -- PKCS#8; AES-256-GCM (nonce || ciphertext) when encrypted
    encrypted    BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at   TIMESTAMPTZ
);
