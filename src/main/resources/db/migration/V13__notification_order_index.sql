-- A sale's INS messages are read in the order they came (InsSaleHistory: WHERE order_ref = ? ORDER BY id
-- LIMIT 8). With an index on order_ref alone, the planner could walk the primary key in id order and
-- filter, reading the whole table for every INS notification processed; (order_ref, id) answers it
-- from the index, and serves every lookup by order_ref the old index served.
CREATE INDEX notification_order_id_idx ON notification (order_ref, id);
DROP INDEX notification_order_idx;
