-- Key generator: a vendor may accept unsigned key-generator calls, but only from the IP allow-list
-- (keygen.allowed-ips); signed calls are always verified.
ALTER TABLE vendor ADD COLUMN keygen_allow_unsigned BOOLEAN NOT NULL DEFAULT FALSE;
