-- The commercial facts behind the licenses: one row per order line as a channel reported it (a sale,
-- a renewal, a failed renewal), and a negative row for each refund or chargeback of a line. Rows are
-- written in the transaction of the license change they belong to and are never edited: a
-- correction is a new row. Money is NUMERIC, exactly as 2Checkout posted it.
CREATE TABLE order_fact (
    id                  BIGSERIAL PRIMARY KEY,
    vendor_id           BIGINT NOT NULL REFERENCES vendor (id),
    connector_id        BIGINT REFERENCES connector (id),
    product_mapping_id  BIGINT REFERENCES product_mapping (id),
    notification_id     BIGINT REFERENCES notification (id),
    channel             TEXT NOT NULL,            -- INS, IPN, KEYGEN
    kind                TEXT NOT NULL CHECK (kind IN ('SALE', 'RENEWAL', 'RENEWAL_FAILED', 'REFUND', 'CHARGEBACK')),
    -- The line in business terms, whatever channel reported it (an order seen by the key generator, IPN
    -- and INS is one line); reports count one fact per line_key (see order_fact_view).
    line_key            TEXT NOT NULL,
    -- line_key plus what makes this report of it unique (the channel; for refunds the notification):
    -- a retry, duplicate or replay finds the row there and records nothing.
    fact_key            TEXT NOT NULL,
    refers_to           BIGINT REFERENCES order_fact (id),   -- a refund or chargeback: the line it reverses
    order_ref           TEXT NOT NULL,
    external_ref        TEXT,                     -- REFNOEXT (IPN), vendor_order_id (INS)
    invoice_ref         TEXT,                     -- invoice_id (INS)
    subscription_ref    TEXT,
    line_no             INT,                      -- position of the line in the notification, from 1
    product_id          TEXT,
    product_code        TEXT,
    product_name        TEXT,                     -- as the notification named it
    quantity            INT NOT NULL,             -- negative for refunds and chargebacks
    unit_price          NUMERIC,                  -- IPN_PRICE[]
    list_amount         NUMERIC,                  -- item_list_amount_# (INS)
    list_currency       TEXT,
    discount            NUMERIC,                  -- IPN_DISCOUNT[]
    vat                 NUMERIC,                  -- IPN_VAT[]
    paid_amount         NUMERIC,                  -- IPN_TOTAL[], item_cust_amount_#; negative for reversals
    currency            TEXT,                     -- the currency of paid_amount
    usd_amount          NUMERIC,                  -- item_usd_amount_# (INS)
    payment_method      TEXT,
    country             TEXT,
    test                BOOLEAN NOT NULL,
    occurred_at         TIMESTAMPTZ NOT NULL,     -- when 2Checkout says it happened, else when it reached us
    recorded_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (vendor_id, fact_key)
);
CREATE INDEX order_fact_period_idx ON order_fact (occurred_at);
CREATE INDEX order_fact_line_idx ON order_fact (vendor_id, line_key);
CREATE INDEX order_fact_order_idx ON order_fact (vendor_id, order_ref);

-- History is not edited.
CREATE FUNCTION order_fact_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'order facts are never edited; record a new fact instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER order_fact_no_update BEFORE UPDATE ON order_fact FOR EACH ROW EXECUTE FUNCTION order_fact_immutable();

-- Which fact of a line counts in reports: the one with an amount, from the channel that says most
-- (IPN, then INS, then the key generator), the first recorded among equals. The others stay as
-- evidence (counted = false in the CSV).
CREATE VIEW order_fact_view AS
SELECT f.*,
       NOT EXISTS (
           SELECT 1 FROM order_fact b
           WHERE b.vendor_id = f.vendor_id AND b.line_key = f.line_key AND b.id <> f.id
             AND (b.paid_amount IS NULL, CASE b.channel WHEN 'IPN' THEN 1 WHEN 'INS' THEN 2 ELSE 3 END, b.id)
                 < (f.paid_amount IS NULL, CASE f.channel WHEN 'IPN' THEN 1 WHEN 'INS' THEN 2 ELSE 3 END, f.id)
       ) AS counted
FROM order_fact f;
