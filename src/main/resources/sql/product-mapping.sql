-- The product mapping of an order line in its vendor's connector configuration (parameters by name:
-- OrderLine.productKey), with the connector's settings and who hears of new licenses: matched by product
-- code first, else by 2Checkout's product id. Used by product-enrich (routes/enrich.camel.yaml).
SELECT m.id AS mapping_id, m.name AS product_name, m.edition, m.license_type, m.duration,
       m.max_activations, m.code_mode, m.upgrade_policy, c.id AS connector_id, c.name AS connector_name,
       c.enabled AS connector_enabled, c.mode, c.email_on_success, c.refund_policy,
       c.failed_renewal_policy, c.stopped_policy, c.issue_before_fraud_review, c.issue_on, c.ins_role, c.code_prefix,
       c.code_source, c.code_length, c.code_group, c.code_alphabet,
       v.code AS vendor_code, c.recipients, v.contact_email, v.name AS vendor_name
FROM product_mapping m JOIN connector c ON c.id = m.connector_id JOIN vendor v ON v.id = m.vendor_id
WHERE m.vendor_id = :#vendorId
  AND (m.product_code = :#productCode OR m.product_id = :#productId)
ORDER BY (m.product_code = :#productCode) DESC NULLS LAST, m.id
LIMIT 1
