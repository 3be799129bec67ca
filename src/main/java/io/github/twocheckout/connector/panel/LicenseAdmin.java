package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Principal;
import io.github.twocheckout.connector.storage.ListPage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * License search, a license with its history, and changes by hand (suspend, revoke, reinstate), each
 * with a reason and the person's name in the audit trail.
 */
public class LicenseAdmin {

    private static final String COLUMNS = """
            SELECT l.id, l.code, l.status, l.status_reason, m.name AS product, m.product_id, m.product_code, m.edition,
                   l.order_ref, l.unit_no, l.quantity, l.subscription_ref, l.customer_name, l.customer_email, l.test,
                   l.renewing, l.issued_at, l.expires_at, l.updated_at, c.id AS connector_id, c.name AS connector""";
    private static final String JOINS = " JOIN product_mapping m ON m.id = l.product_mapping_id JOIN connector c ON c.id = l.connector_id";
    private static final String SELECT = COLUMNS + " FROM license l" + JOINS;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public LicenseAdmin(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** What a license list sorts by: the API's name and the column. */
    static final Map<String, String> SORTABLE = Map.of("id", "l.id", "issued_at", "l.issued_at", "expires_at", "l.expires_at",
            "code", "l.code", "order", "l.order_ref", "email", "lower(l.customer_email)", "status", "l.status");
    /** The text a free-text search reads: the expression of the trigram index license_text_trgm_idx (V19). */
    static final String TEXT = "(l.code || ' ' || l.order_ref || ' ' || coalesce(l.subscription_ref, '') || ' ' "
            + "|| coalesce(l.customer_name, '') || ' ' || coalesce(l.customer_email, ''))";

    /**
     * The licenses of the caller's vendors, a page at a time (offset, limit, sort), with the total in
     * X-Total-Count. Filters: code, order, customer email (part of it), status, connector, product (code or
     * id), test (true: test only, false: live only), from/to (issued, ISO dates, to inclusive), and q: a
     * license's code, order or customer email exactly (through their indexes), or, when nothing matches
     * so, text anywhere in the code, order, subscription, customer name or email (through trigrams). An
     * order's licenses read in order; anything else newest first.
     */
    public List<Map<String, Object>> search(@Header("code") String code, @Header("order") String order, @Header("email") String email,
                                            @Header("status") String status, @Header("connector") String connector,
                                            @Header("product") String product, @Header("test") String test,
                                            @Header("from") String from, @Header("to") String to, @Header("q") String q,
                                            @Header("offset") String offset, @Header("limit") String limit, @Header("sort") String sort,
                                            @Variable("principal") Principal p, Exchange exchange) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new ArrayList<>();
        p.restrict(where, args, "l.vendor_id");
        if (blank(code) != null) {
            where.append(" AND l.code = ?");
            args.add(code.trim().toUpperCase(java.util.Locale.ROOT));
        }
        if (blank(order) != null) {
            where.append(" AND l.order_ref = ?");
            args.add(order.trim());
        }
        if (blank(email) != null) {
            where.append(" AND lower(l.customer_email) LIKE ?");
            args.add("%" + like(email.trim().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (blank(status) != null) {
            where.append(" AND l.status = ?");
            args.add(status.trim().toUpperCase(java.util.Locale.ROOT));
        }
        if (blank(connector) != null) {
            where.append(" AND l.connector_id = ?");
            args.add(Long.parseLong(connector.trim()));
        }
        if (blank(product) != null) {
            where.append(" AND l.product_mapping_id IN (SELECT id FROM product_mapping WHERE product_code = ? OR product_id = ?)");
            args.add(product.trim());
            args.add(product.trim());
        }
        if (blank(test) != null) {
            where.append(" AND l.test = ?");
            args.add(io.github.twocheckout.connector.reports.ReportPeriod.flag(test, "test"));
        }
        if (blank(from) != null) {
            where.append(" AND l.issued_at >= ?");
            args.add(NotificationAdmin.time(from, false));
        }
        if (blank(to) != null) {
            where.append(" AND l.issued_at < ?");
            args.add(NotificationAdmin.time(to, true));
        }
        if (blank(q) != null) {
            String text = q.trim();
            List<Object> exactArgs = new ArrayList<>(args);
            exactArgs.addAll(List.of(text.toUpperCase(java.util.Locale.ROOT), text, text.toLowerCase(java.util.Locale.ROOT)));
            String exact = " AND (l.code = ? OR l.order_ref = ? OR lower(l.customer_email) = ?)";
            if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM license l" + where + exact + ")", Boolean.class,
                    exactArgs.toArray()))) {
                where.append(exact);
                args.clear();
                args.addAll(exactArgs);
            } else {
                where.append(" AND " + TEXT + " ILIKE ?");
                args.add("%" + like(text) + "%");
            }
        }
        ListPage page = ListPage.of(offset, limit, sort, SORTABLE,
                blank(order) != null ? "l.product_mapping_id, l.unit_no, l.id" : "l.issued_at DESC, l.id DESC", "l.id");
        return page.query(jdbc, "license l", where.toString(), args, COLUMNS + " FROM {page} l" + JOINS, exchange);
    }

    static String like(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** One license and its audit trail, with what caused each change. */
    public Map<String, Object> get(@Header("id") long id) {
        List<Map<String, Object>> rows = jdbc.queryForList(SELECT + " WHERE l.id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no license " + id);
        }
        Map<String, Object> license = new LinkedHashMap<>(rows.get(0));
        license.put("events", jdbc.queryForList("""
                SELECT e.id, e.event, e.from_status, e.to_status, e.detail, e.actor, e.created_at, e.notification_id,
                       n.channel, n.message_type
                FROM license_event e LEFT JOIN notification n ON n.id = e.notification_id
                WHERE e.license_id = ? ORDER BY e.id""", id));
        license.put("activations", jdbc.queryForList("""
                SELECT id, fingerprint, machine_name, client_address, first_seen_at, last_seen_at, released_at, released_by
                FROM license_activation WHERE license_id = ? ORDER BY released_at IS NOT NULL, first_seen_at""", id));
        license.put("deliveries", jdbc.queryForList("""
                SELECT o.id, o.event_id, o.event_type, d.name AS destination, o.status, o.attempts, o.last_error, o.created_at, o.sent_at
                FROM event_outbox o JOIN event_destination d ON d.id = o.destination_id WHERE o.license_id = ? ORDER BY o.id""", id));
        List<Map<String, Object>> idn = jdbc.queryForList("""
                SELECT o.id,
                """ + io.github.twocheckout.connector.outbound.IdnOutbox.STATUS + """
                 AS status, o.attempts, o.response_code, o.response_message, o.last_error, o.confirmed_at
                FROM idn_outbox o JOIN license l ON l.vendor_id = o.vendor_id AND l.order_ref = o.order_ref WHERE l.id = ?""", id);
        license.put("idn", idn.isEmpty() ? null : idn.get(0));
        return license;
    }

    public Map<String, Object> suspend(@Header("id") long id, @Body String body, @Variable("principal") Principal by) {
        return change(id, body, by, "MANUAL_SUSPEND", "SUSPENDED", List.of("ACTIVE", "PAST_DUE"));
    }

    public Map<String, Object> revoke(@Header("id") long id, @Body String body, @Variable("principal") Principal by) {
        return change(id, body, by, "MANUAL_REVOKE", "REVOKED", List.of("ACTIVE", "PAST_DUE", "SUSPENDED", "EXPIRED"));
    }

    public Map<String, Object> reinstate(@Header("id") long id, @Body String body, @Variable("principal") Principal by) {
        return change(id, body, by, "MANUAL_REINSTATE", "ACTIVE", List.of("SUSPENDED", "REVOKED", "PAST_DUE", "EXPIRED"));
    }

    private Map<String, Object> change(long id, String body, Principal by, String event, String to, List<String> from) {
        String reason = Json.required(Json.object(body), "reason");
        if (reason.length() > 500) {
            throw new IllegalArgumentException("reason: at most 500 characters");
        }
        tx.executeWithoutResult(s -> {
            List<String> current = jdbc.queryForList("SELECT status FROM license WHERE id = ? FOR UPDATE", String.class, id);
            if (current.isEmpty()) {
                throw new ApiNotFoundException("no license " + id);
            }
            if (!from.contains(current.get(0))) {
                throw new ApiConflictException("the license is " + current.get(0) + "; it cannot be made " + to);
            }
            String why = event.substring("MANUAL_".length()).toLowerCase(java.util.Locale.ROOT) + " by " + by.username() + ": " + reason;
            jdbc.update("UPDATE license SET status = ?, status_reason = ?, updated_at = now() WHERE id = ?", to,
                    to.equals("ACTIVE") ? null : why, id);
            jdbc.update("""
                    INSERT INTO license_event (license_id, event, event_key, from_status, to_status, detail, actor)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""", id, event, event + ":" + UUID.randomUUID(), current.get(0), to, reason,
                    by.username());
        });
        return get(id);
    }

    static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return ListPage.DEFAULT_LIMIT;
        }
        try {
            return Math.max(1, Math.min(1000, Integer.parseInt(limit.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number");
        }
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
