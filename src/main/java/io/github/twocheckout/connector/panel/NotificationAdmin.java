package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Principal;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.storage.NotificationStore;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.storage.ListPage;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Variable;
import org.apache.camel.support.DefaultExchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notification log: search, one notification with its raw body and verification diagnostics, and
 * replay of one or many, with a dry run. A dry run processes the notification for real inside one
 * database transaction that is rolled back: every ledger joins it, so the answer is exactly what a
 * replay would change, and nothing changes.
 */
public class NotificationAdmin {

    /** A page of the log: {page} is the page's rows of notification (ListPage). */
    private static final String LIST = """
            SELECT n.id, n.channel, n.vendor_id, v.name AS vendor, n.message_type, n.message_id, n.order_ref, n.invoice_id,
                   n.status, n.outcome, n.last_error AS error, n.http_status, n.attempts, n.duplicates, n.remote_address,
                   n.received_at, n.processed_at
            FROM {page} n LEFT JOIN vendor v ON v.id = n.vendor_id""";
    private static final List<String> REPLAYABLE = List.of("FAILED", "PARKED", "PROCESSED", "IGNORED");

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private final NotificationStore store;

    public NotificationAdmin(DataSource dataSource, NotificationStore store) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.dataSource = dataSource;
        this.store = store;
    }

    static final Map<String, String> SORTABLE = Map.of("id", "n.id", "received_at", "n.received_at", "processed_at", "n.processed_at",
            "channel", "n.channel", "type", "n.message_type", "status", "n.status", "order", "n.order_ref", "attempts", "n.attempts");

    /**
     * The notifications of the caller's vendors (and, for the operator's admin, those no vendor could be
     * found for), a page at a time (offset, limit, sort) with the total in X-Total-Count. Filters: channel,
     * type, status, order, vendor (id), from/to (ISO date or instant), and q (an order, message or invoice
     * reference, or text of the error). An order's notifications read in the order they came; anything else
     * newest first.
     */
    public List<Map<String, Object>> search(@Header("channel") String channel, @Header("type") String type,
                                            @Header("status") String status, @Header("order") String order,
                                            @Header("vendor") String vendor, @Header("from") String from, @Header("to") String to,
                                            @Header("q") String q, @Header("offset") String offset, @Header("limit") String limit,
                                            @Header("sort") String sort, @Variable("principal") Principal p, Exchange exchange) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new ArrayList<>();
        p.restrict(where, args, "n.vendor_id");
        add(where, args, " AND n.channel = ?", upper(channel));
        add(where, args, " AND n.message_type = ?", upper(type));
        add(where, args, " AND n.status = ?", upper(status));
        add(where, args, " AND n.order_ref = ?", LicenseAdmin.blank(order) == null ? null : order.trim());
        add(where, args, " AND n.vendor_id = ?", LicenseAdmin.blank(vendor) == null ? null : Long.parseLong(vendor.trim()));
        add(where, args, " AND n.received_at >= ?", time(from, false));
        add(where, args, " AND n.received_at < ?", time(to, true));
        if (LicenseAdmin.blank(q) != null) {
            where.append(" AND (n.order_ref = ? OR n.message_id = ? OR n.invoice_id = ? OR n.last_error ILIKE ?)");
            args.addAll(List.of(q.trim(), q.trim(), q.trim(), "%" + LicenseAdmin.like(q.trim()) + "%"));
        }
        ListPage page = ListPage.of(offset, limit, sort, SORTABLE, LicenseAdmin.blank(order) != null ? "n.id" : "n.id DESC", "n.id");
        return page.query(jdbc, "notification n", where.toString(), args, LIST, exchange);
    }

    /** One notification with its raw body, content type and verification diagnostics, and the licenses it touched. */
    public Map<String, Object> get(@Header("id") long id) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT n.*, n.last_error AS error, v.name AS vendor FROM notification n LEFT JOIN vendor v ON v.id = n.vendor_id
                WHERE n.id = ?""", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no notification " + id);
        }
        Map<String, Object> n = new LinkedHashMap<>(rows.get(0));
        // subscription_refs (LCN, subscription IPN and key-generator calls) is a SQL array: JSON wants a list.
        n.replaceAll((column, value) -> value instanceof java.sql.Array array ? list(array) : value);
        n.remove("last_error");
        n.remove("lease_until");
        n.put("events", jdbc.queryForList("""
                SELECT e.license_id, l.code, e.event, e.from_status, e.to_status, e.detail, e.created_at
                FROM license_event e JOIN license l ON l.id = e.license_id WHERE e.notification_id = ? ORDER BY e.id""", id));
        return n;
    }

    private static List<Object> list(java.sql.Array array) {
        try {
            return java.util.Arrays.asList((Object[]) array.getArray());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {ids: [...]} or {status, channel} (at most 500, oldest first), and {dryRun: true|false}. A dry run
     * answers, per notification, what processing it again would change; a replay queues them.
     */
    public Map<String, Object> replay(@Body String body, @Variable("principal") Principal p, Exchange exchange) {
        Map<String, Object> in = Json.object(body);
        boolean dryRun = Boolean.TRUE.equals(Json.bool(in, "dryRun"));
        List<Long> ids = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        p.restrict(where, args, "vendor_id");
        if (in.get("ids") instanceof List<?> list) {
            List<Long> asked = new ArrayList<>();
            for (Object o : list) {
                asked.add(Long.parseLong(String.valueOf(o)));
            }
            if (asked.size() > 500) {
                throw new IllegalArgumentException("at most 500 notifications at a time");
            }
            // Ids outside the caller's vendors are answered as unknown, like ids that do not exist.
            where.append(" AND id = ANY(?::bigint[])");
            args.add(asked.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}")));
            java.util.Set<Long> visible = new java.util.HashSet<>(
                    jdbc.queryForList("SELECT id FROM notification" + where, Long.class, args.toArray()));
            for (Long id : asked) {
                (visible.contains(id) ? ids : unknown).add(id);
            }
        } else if (Json.text(in, "status") != null) {
            where.append(" AND status = ?");
            args.add(upper(Json.text(in, "status")));
            add(where, args, " AND channel = ?", upper(Json.text(in, "channel")));
            ids.addAll(jdbc.queryForList("SELECT id FROM notification" + where + " ORDER BY id LIMIT 500", Long.class, args.toArray()));
        } else {
            throw new IllegalArgumentException("give ids, or a status (and channel) to select notifications");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        ProducerTemplate template = exchange.getContext().createProducerTemplate();
        try {
            for (long id : ids) {
                results.add(dryRun ? preview(id, exchange, template) : queue(id, template));
            }
            for (long id : unknown) {
                results.add(dryRun ? unknownPreview(id) : unknownQueued(id));
            }
        } finally {
            try {
                template.stop();
            } catch (Exception e) {
                // nothing to release beyond the template itself
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        out.put("count", results.size());
        out.put("results", results);
        return out;
    }

    private Map<String, Object> queue(long id, ProducerTemplate template) {
        Exchange run = template.send("direct:notification-replay", e -> e.getMessage().setBody(id));
        return Boolean.TRUE.equals(run.getVariable("replayed", Boolean.class)) ? Map.of("id", id, "queued", true) : unknownQueued(id);
    }

    private static Map<String, Object> unknownQueued(long id) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("queued", false);
        r.put("why", "not replayable: unknown, rejected or in progress");
        return r;
    }

    private static Map<String, Object> unknownPreview(long id) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("why", "no notification " + id);
        return r;
    }

    private Map<String, Object> preview(long id, Exchange caller, ProducerTemplate template) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        StoredNotification n = store.find(id);
        if (n == null) {
            return unknownPreview(id);
        }
        String current = jdbc.queryForObject("SELECT status FROM notification WHERE id = ?", String.class, id);
        r.put("status", current);
        if (!REPLAYABLE.contains(current)) {
            r.put("why", "not replayable: " + current);
            return r;
        }
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        tx.executeWithoutResult(status -> {
            List<Map<String, Object>> before = licenses(n);
            Exchange run = new DefaultExchange(caller.getContext());
            run.setVariable("notification", n);
            template.send("direct:notification-handle", run);
            ProcessingReport report = run.getVariable("report", ProcessingReport.class);
            if (run.getException() != null) {
                r.put("wouldBe", "FAILED");
                r.put("summary", "processing would fail: " + run.getException().getMessage());
            } else if (report != null) {
                r.put("wouldBe", report.getStatus());
                r.put("summary", report.getSummary());
            }
            r.put("licenseChanges", diff(before, licenses(n)));
            status.setRollbackOnly(); // a preview: nothing it did stays
        });
        return r;
    }

    /** The licenses a notification concerns: its order's, and its subscriptions'. */
    private List<Map<String, Object>> licenses(StoredNotification n) {
        return jdbc.queryForList("""
                SELECT l.id, l.code, l.status, l.expires_at FROM license l
                WHERE l.vendor_id = ? AND (l.order_ref = ? OR l.subscription_ref = ANY (
                    SELECT unnest(subscription_refs) FROM notification WHERE id = ?)) ORDER BY l.id""",
                n.getVendorId(), n.getOrderRef(), n.getId());
    }

    private static List<Map<String, Object>> diff(List<Map<String, Object>> before, List<Map<String, Object>> after) {
        Map<Object, Map<String, Object>> was = new LinkedHashMap<>();
        before.forEach(l -> was.put(l.get("id"), l));
        List<Map<String, Object>> changes = new ArrayList<>();
        for (Map<String, Object> l : after) {
            Map<String, Object> b = was.get(l.get("id"));
            Map<String, Object> c = new LinkedHashMap<>();
            if (b == null) {
                c.put("license", "new license (its code is drawn when the replay runs)");
                c.put("status", l.get("status"));
            } else if (!b.get("status").equals(l.get("status")) || !java.util.Objects.equals(b.get("expires_at"), l.get("expires_at"))) {
                c.put("license", l.get("code"));
                c.put("status", b.get("status") + " → " + l.get("status"));
                if (!java.util.Objects.equals(b.get("expires_at"), l.get("expires_at"))) {
                    c.put("expires", b.get("expires_at") + " → " + l.get("expires_at"));
                }
            } else {
                continue;
            }
            changes.add(c);
        }
        return changes;
    }

    private static void add(StringBuilder where, List<Object> args, String clause, Object value) {
        if (value != null) {
            where.append(clause);
            args.add(value);
        }
    }

    private static String upper(String s) {
        return LicenseAdmin.blank(s) == null ? null : s.trim().toUpperCase(Locale.ROOT);
    }

    /** An ISO date (the day's start; for "to" the next day's) or instant; null when blank. */
    static Timestamp time(String s, boolean endOfDay) {
        if (LicenseAdmin.blank(s) == null) {
            return null;
        }
        String t = s.trim();
        try {
            if (t.length() == 10) {
                LocalDate d = LocalDate.parse(t);
                return Timestamp.from((endOfDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return Timestamp.from(Instant.parse(t));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + s + "' is not a date (2026-11-22) or an instant (2026-11-22T10:00:00Z)");
        }
    }
}
