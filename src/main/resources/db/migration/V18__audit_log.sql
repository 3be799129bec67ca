-- Who did what in the panel and the API: logins (and failed ones) and every change, with its outcome.
-- Append-only: the application can add rows, never change or remove one.
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor    TEXT NOT NULL,       -- the user (api-token for the token), or the name tried at a failed login
    role     TEXT,
    action   TEXT NOT NULL,       -- login, login-failed, license-revoke, user-create, vendor-update, ...
    target   TEXT,                -- the path acted on
    outcome  INT,                 -- the answer's HTTP status
    detail   TEXT,                -- the request, secrets masked
    address  TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- A user is disabled, not deleted: the audit log keeps naming them, and they cannot log in.
ALTER TABLE panel_user ADD COLUMN disabled_at TIMESTAMPTZ;
