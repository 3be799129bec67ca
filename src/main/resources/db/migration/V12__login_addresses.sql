-- Addresses a user has logged in from. A user's lock after repeated wrong passwords applies to the
-- other addresses only, so that a stranger's guesses cannot lock the owner out of their usual place.
CREATE TABLE panel_login_address (
    user_id          BIGINT NOT NULL REFERENCES panel_user (id) ON DELETE CASCADE,
    address          TEXT NOT NULL,
    last_success_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, address)
);
