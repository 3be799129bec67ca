-- Where a connector's codes come from: the built-in generator in the connector's format, or a pool of
-- codes the vendor loaded (CodePool).
ALTER TABLE connector ADD COLUMN code_source TEXT NOT NULL DEFAULT 'builtin' CHECK (code_source IN ('builtin', 'pool'));
ALTER TABLE connector ADD COLUMN code_length INT NOT NULL DEFAULT 25;      -- symbols, prefix and dashes not counted
ALTER TABLE connector ADD COLUMN code_group INT NOT NULL DEFAULT 5;       -- symbols between dashes (0: none)
ALTER TABLE connector ADD COLUMN code_alphabet TEXT NOT NULL DEFAULT '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
ALTER TABLE connector ADD COLUMN pool_low_stock INT NOT NULL DEFAULT 0;   -- alert below this many codes left (0: never)

-- The codes a vendor loaded. Each is handed out once, oldest first, to one unit: taken (taken_at set) in
-- the transaction that inserts its license, and given back if that transaction finds the license made
-- by another channel meanwhile. Test orders draw from the connector's test codes.
CREATE TABLE license_code_pool (
    id            BIGSERIAL PRIMARY KEY,
    connector_id  BIGINT NOT NULL REFERENCES connector (id),
    code          TEXT NOT NULL UNIQUE,
    test          BOOLEAN NOT NULL DEFAULT FALSE,
    loaded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    taken_at      TIMESTAMPTZ
);
CREATE INDEX license_code_pool_free_idx ON license_code_pool (connector_id, test, id) WHERE taken_at IS NULL;
