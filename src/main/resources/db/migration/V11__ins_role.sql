-- What INS may do for a connector: issue licenses (issue), or only confirm and follow up licenses
-- that IPN or the key generator issued (follow_up), since INS signs three fields and IPN all of them.
ALTER TABLE connector ADD COLUMN ins_role TEXT NOT NULL DEFAULT 'issue'
    CHECK (ins_role IN ('issue', 'follow_up'));
