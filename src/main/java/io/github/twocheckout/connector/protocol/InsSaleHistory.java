package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.StoredNotification;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a sale's first INS message said. INS signs sale_id, vendor_id and invoice_id only, and every
 * message of a sale carries the same md5_hash: whoever saw one of them can post it again with any other
 * field changed. The first message stored for a sale (normally ORDER_CREATED) is the one 2Checkout sent
 * before anyone could copy it, so it fixes what the order holds; later messages of the sale act on that.
 */
public class InsSaleHistory {

    private final JdbcTemplate jdbc;

    public InsSaleHistory(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * The message being processed, read as a follow-up of its sale's first stored message that lists billed
     * items (itself when it is that one). A refund that arrived before its order lists none, and does not
     * establish the order; the few earliest rows are enough to find the one that does.
     */
    public InsMessage asFollowUp(@Variable("ins") InsMessage ins, @Variable("notification") StoredNotification notification) {
        // order_ref alone, read through its (order_ref, id) index: with vendor and channel in the WHERE clause
        // the planner would take the (vendor, channel, event) index under stale statistics and filter every
        // row of the vendor, once per INS notification.
        List<Map<String, Object>> earliest = jdbc.queryForList("""
                SELECT id, vendor_id, channel, status, raw_body FROM notification WHERE order_ref = ?
                ORDER BY id LIMIT 16""", ins.getOrderRef()).stream()
                .filter(row -> "INS".equals(row.get("channel")) && !"REJECTED".equals(row.get("status"))
                        && row.get("vendor_id") != null && ((Number) row.get("vendor_id")).longValue() == notification.getVendorId())
                .toList();
        for (Map<String, Object> row : earliest) {
            if (((Number) row.get("id")).longValue() == notification.getId()) {
                if (!ins.getBilledItems().isEmpty()) {
                    return ins;
                }
                continue;
            }
            try {
                InsMessage first = InsMessage.parse((String) row.get("raw_body"));
                if (!first.getBilledItems().isEmpty()) {
                    return ins.following(first);
                }
            } catch (MalformedNotificationException e) {
                // a stored row was parseable at intake; one edited since establishes nothing
            }
        }
        return ins;
    }
}
