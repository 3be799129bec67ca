package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.storage.StoredNotification;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The product mapping of an order line in the vendor's connector configuration, with its connector's
 * settings and who hears of new licenses (recipients, contact_email, vendor_name): the row that
 * product-enrich (routes/enrich.camel.yaml) puts in variable "product". Matched by product code first,
 * else by 2Checkout's product id.
 */
public class ProductLookup {

    static final String PRODUCT = """
            SELECT m.id AS mapping_id, m.name AS product_name, m.edition, m.license_type, m.duration,
                   m.max_activations, m.code_mode, m.upgrade_policy, c.id AS connector_id, c.name AS connector_name,
                   c.enabled AS connector_enabled, c.mode, c.email_on_success, c.refund_policy,
                   c.failed_renewal_policy, c.stopped_policy, c.issue_before_fraud_review, c.issue_on, c.ins_role, c.code_prefix,
                   v.code AS vendor_code, c.recipients, v.contact_email, v.name AS vendor_name
            FROM product_mapping m JOIN connector c ON c.id = m.connector_id JOIN vendor v ON v.id = m.vendor_id
            WHERE m.vendor_id = ? AND (m.product_code = ? OR m.product_id = ?)
            ORDER BY (m.product_code = ?) DESC NULLS LAST, m.id LIMIT 1""";

    private final JdbcTemplate jdbc;

    public ProductLookup(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** The line's product: a list of one row, or empty when the vendor has no such product. */
    public List<Map<String, Object>> find(@Body OrderLine line, @Variable("notification") StoredNotification notification) {
        List<Map<String, Object>> rows = jdbc.queryForList(PRODUCT, notification.getVendorId(), line.getProductCode(),
                line.getProductId(), line.getProductCode());
        return rows;
    }
}
