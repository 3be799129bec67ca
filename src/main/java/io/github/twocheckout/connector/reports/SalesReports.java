package io.github.twocheckout.connector.reports;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import io.github.twocheckout.connector.model.Principal;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reports of the API and the panel, read from the order facts and the licenses: sales, renewals,
 * failed renewals, refunds and chargebacks per product, currency and period; subscriptions by state;
 * licenses issued per day. Only the fact that counts for a line is summed (order_fact_view), so an order
 * reported by the key generator, IPN and INS is one sale. Amounts are strings, exact decimals.
 */
public class SalesReports {

    /** Report columns, in order, for each kind of fact. */
    static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("SALE", "sales");
        KINDS.put("RENEWAL", "renewals");
        KINDS.put("RENEWAL_FAILED", "failedRenewals");
        KINDS.put("REFUND", "refunds");
        KINDS.put("CHARGEBACK", "chargebacks");
    }

    private final JdbcTemplate jdbc;

    public SalesReports(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Per product and currency (and per day or month with groupBy): lines, units and amounts of sales,
     * renewals, failed renewals, refunds and chargebacks, and the net (failed renewals are not money
     * received, so not in the net); then the same totals per currency.
     */
    public Map<String, Object> sales(@Header("from") String from, @Header("to") String to, @Header("product") String product,
                                     @Header("vendor") String vendor, @Header("includeTest") String includeTest,
                                     @Header("groupBy") String groupBy, @Variable("principal") Principal principal) {
        ReportPeriod p = ReportPeriod.of(from, to, product, vendor, includeTest, principal);
        String period = switch (groupBy == null || groupBy.isBlank() ? "period" : groupBy.trim()) {
            case "day" -> "to_char(f.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
            case "month" -> "to_char(f.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM')";
            case "period" -> "'" + p.from() + "/" + p.to() + "'";
            default -> throw new IllegalArgumentException("groupBy must be day, month or period");
        };
        List<Map<String, Object>> groups = jdbc.queryForList("SELECT " + period + """
                        AS period, v.code AS vendor, m.id AS mapping_id, m.product_code, m.product_id, m.name AS product,
                       f.currency, f.kind, count(*) AS lines, sum(f.quantity) AS quantity, sum(f.paid_amount) AS amount,
                       sum(f.usd_amount) AS usd_amount, count(*) FILTER (WHERE f.paid_amount IS NULL) AS unpriced
                FROM order_fact_view f JOIN vendor v ON v.id = f.vendor_id
                     LEFT JOIN product_mapping m ON m.id = f.product_mapping_id
                WHERE f.counted AND f.occurred_at >= ? AND f.occurred_at < ? AND f.occurred_at <= now() AND (? OR NOT f.test)
                  AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?)
                  AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                ORDER BY 1, 2, 6, 7 NULLS LAST""",
                p.start(), p.end(), p.includeTest(), p.product(), p.product(), p.product(), p.vendor(), p.vendor(), p.scope(), p.scope());
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        Map<String, Map<String, Object>> totals = new TreeMap<>();
        for (Map<String, Object> g : groups) {
            String currency = (String) g.get("currency");
            String key = g.get("period") + "|" + g.get("vendor") + "|" + g.get("mapping_id") + "|" + currency;
            Map<String, Object> row = rows.computeIfAbsent(key, k -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("period", g.get("period"));
                r.put("vendor", g.get("vendor"));
                r.put("productCode", g.get("product_code"));
                r.put("productId", g.get("product_id"));
                r.put("product", g.get("product"));
                r.put("currency", currency);
                return emptyFigures(r);
            });
            Map<String, Object> total = totals.computeIfAbsent(currency == null ? "" : currency, k -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("currency", currency);
                return emptyFigures(t);
            });
            add(row, g);
            add(total, g);
        }
        rows.values().forEach(SalesReports::markUnpriced);
        totals.values().forEach(SalesReports::markUnpriced);
        Map<String, Object> out = selection(p);
        out.put("rows", new ArrayList<>(rows.values()));
        out.put("totals", new ArrayList<>(totals.values()));
        out.put("futureDated", futureDated(p));
        return out;
    }

    /**
     * Facts of the period dated after now (a sender's clock ahead, a mistyped date): left out of every
     * figure until their time comes, and listed here so that nobody wonders where they went.
     */
    private List<Map<String, Object>> futureDated(ReportPeriod p) {
        return jdbc.queryForList("""
                SELECT f.id, f.occurred_at, f.recorded_at, v.code AS vendor, f.kind, f.order_ref, f.channel,
                       COALESCE(f.product_code, m.product_code) AS product_code, f.paid_amount::text AS amount, f.currency
                FROM order_fact_view f JOIN vendor v ON v.id = f.vendor_id LEFT JOIN product_mapping m ON m.id = f.product_mapping_id
                WHERE f.counted AND f.occurred_at > now() AND f.occurred_at >= ? AND f.occurred_at < ? AND (? OR NOT f.test)
                  AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                ORDER BY f.occurred_at LIMIT 1000""", p.start(), p.end(), p.includeTest(), p.product(), p.product(), p.product(),
                p.vendor(), p.vendor(), p.scope(), p.scope());
    }

    /**
     * A figure whose every line came without a price has no amount (null, "unpriced" in the panel), not
     * a zero that reads as money; a partly priced one keeps its sum and says how many lines it lacks.
     */
    @SuppressWarnings("unchecked")
    private static void markUnpriced(Map<String, Object> row) {
        for (String column : KINDS.values()) {
            Map<String, Object> f = (Map<String, Object>) row.get(column);
            if ((Long) f.get("lines") > 0 && f.get("unpriced").equals(f.get("lines"))) {
                f.put("amount", null);
            }
        }
    }

    /**
     * Per day (UTC) of the period, for the panel's charts: licenses issued, net revenue per currency
     * (sales and renewals less refunds and chargebacks; lines without a price counted apart), and the
     * notifications that failed or were rejected. Facts and licenses dated after now are left out
     * (sales lists such facts under futureDated).
     */
    public Map<String, Object> daily(@Header("from") String from, @Header("to") String to, @Header("product") String product,
                                     @Header("vendor") String vendor, @Header("includeTest") String includeTest,
                                     @Variable("principal") Principal principal) {
        ReportPeriod p = ReportPeriod.of(from, to, product, vendor, includeTest, principal);
        List<String> days = new ArrayList<>();
        for (java.time.LocalDate d = p.from(); !d.isAfter(p.to()); d = d.plusDays(1)) {
            days.add(d.toString());
        }
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < days.size(); i++) {
            index.put(days.get(i), i);
        }
        long[] licenses = new long[days.size()];
        jdbc.query("""
                SELECT to_char(l.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*)
                FROM license l JOIN product_mapping m ON m.id = l.original_mapping_id JOIN vendor v ON v.id = l.vendor_id
                WHERE l.issued_at >= ? AND l.issued_at < ? AND l.issued_at <= now() AND (? OR NOT l.test)
                  AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                GROUP BY 1""", rs -> {
                    licenses[index.get(rs.getString(1))] = rs.getLong(2);
                }, p.start(), p.end(), p.includeTest(), p.product(), p.product(), p.product(), p.vendor(), p.vendor(), p.scope(), p.scope());
        Map<String, Object[]> revenue = new TreeMap<>();
        long[] unpriced = new long[days.size()];
        jdbc.query("""
                SELECT to_char(f.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), f.currency,
                       sum(f.paid_amount) FILTER (WHERE f.kind <> 'RENEWAL_FAILED'),
                       count(*) FILTER (WHERE f.paid_amount IS NULL AND f.kind <> 'RENEWAL_FAILED')
                FROM order_fact_view f JOIN vendor v ON v.id = f.vendor_id LEFT JOIN product_mapping m ON m.id = f.product_mapping_id
                WHERE f.counted AND f.occurred_at >= ? AND f.occurred_at < ? AND f.occurred_at <= now() AND (? OR NOT f.test)
                  AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                GROUP BY 1, 2""", rs -> {
                    int day = index.get(rs.getString(1));
                    unpriced[day] += rs.getLong(4);
                    if (rs.getBigDecimal(3) != null && rs.getString(2) != null) {
                        revenue.computeIfAbsent(rs.getString(2), c -> new Object[days.size()])[day] = rs.getBigDecimal(3).toPlainString();
                    }
                }, p.start(), p.end(), p.includeTest(), p.product(), p.product(), p.product(), p.vendor(), p.vendor(), p.scope(), p.scope());
        long[] failed = new long[days.size()];
        long[] rejected = new long[days.size()];
        jdbc.query("""
                SELECT to_char(n.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*) FILTER (WHERE n.status = 'FAILED'),
                       count(*) FILTER (WHERE n.status = 'REJECTED')
                FROM notification n LEFT JOIN vendor v ON v.id = n.vendor_id
                WHERE n.status IN ('FAILED', 'REJECTED') AND n.received_at >= ? AND n.received_at < ?
                  AND (?::text IS NULL OR v.code = ?) AND (?::text IS NULL OR n.vendor_id = ANY(?::bigint[]))
                GROUP BY 1""", rs -> {
                    int day = index.get(rs.getString(1));
                    failed[day] = rs.getLong(2);
                    rejected[day] = rs.getLong(3);
                }, p.start(), p.end(), p.vendor(), p.vendor(), p.scope(), p.scope());
        Map<String, Object> out = selection(p);
        out.put("days", days);
        out.put("licenses", licenses);
        Map<String, Object> money = new java.util.LinkedHashMap<>();
        revenue.forEach((currency, amounts) -> money.put(currency, java.util.Arrays.asList(amounts)));
        out.put("revenue", money);
        out.put("unpriced", unpriced);
        out.put("failed", failed);
        out.put("rejected", rejected);
        return out;
    }

    /**
     * Subscriptions (licenses of subscription products, one per subscription reference, or per order
     * line without one) by state as of now: a license past its expiry counts as expired.
     */
    public Map<String, Object> subscriptions(@Header("product") String product, @Header("vendor") String vendor,
                                             @Header("includeTest") String includeTest,
            @Variable("principal") Principal principal) {
        boolean test = ReportPeriod.flag(includeTest, "includeTest");
        String scope = principal.vendorArray();
        String p = product == null || product.isBlank() ? null : product.trim();
        String v = vendor == null || vendor.isBlank() ? null : vendor.trim();
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT v.code AS vendor, m.product_code AS "productCode", m.product_id AS "productId", m.name AS product,
                       count(DISTINCT s.sub) FILTER (WHERE s.state = 'ACTIVE') AS active,
                       count(DISTINCT s.sub) FILTER (WHERE s.state = 'PAST_DUE') AS "pastDue",
                       count(DISTINCT s.sub) FILTER (WHERE s.state = 'SUSPENDED') AS suspended,
                       count(DISTINCT s.sub) FILTER (WHERE s.state = 'EXPIRED') AS expired,
                       count(DISTINCT s.sub) FILTER (WHERE s.state = 'REVOKED') AS revoked,
                       count(DISTINCT s.sub) AS total
                FROM (SELECT l.vendor_id, l.product_mapping_id,
                             COALESCE(l.subscription_ref, l.order_ref || '/' || l.original_mapping_id) AS sub,
                             CASE WHEN l.status IN ('ACTIVE', 'PAST_DUE') AND l.expires_at < now() THEN 'EXPIRED'
                                  ELSE l.status END AS state
                      FROM license l WHERE ? OR NOT l.test) s
                JOIN product_mapping m ON m.id = s.product_mapping_id AND m.license_type = 'subscription'
                JOIN vendor v ON v.id = s.vendor_id
                WHERE (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                GROUP BY v.code, m.id, m.product_code, m.product_id, m.name
                ORDER BY v.code, m.name""", test, p, p, p, v, v, scope, scope);
        Map<String, Object> totals = new LinkedHashMap<>();
        for (String k : List.of("active", "pastDue", "suspended", "expired", "revoked", "total")) {
            totals.put(k, rows.stream().mapToLong(r -> ((Number) r.get(k)).longValue()).sum());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("asOf", java.time.Instant.now().toString());
        out.put("includeTest", test);
        out.put("rows", rows);
        out.put("totals", totals);
        return out;
    }

    /** Licenses issued per day (UTC) and product in the period. */
    /** Machines activated per day and product (the licensing API), from first activation; test licenses only when asked. */
    public Map<String, Object> activationsPerDay(@Header("from") String from, @Header("to") String to,
                                                 @Header("product") String product, @Header("vendor") String vendor,
                                                 @Header("includeTest") String includeTest,
            @Variable("principal") Principal principal) {
        ReportPeriod p = ReportPeriod.of(from, to, product, vendor, includeTest, principal);
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT to_char(a.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, v.code AS vendor,
                       m.product_code AS "productCode", m.product_id AS "productId", m.name AS product,
                       count(*) AS activated, count(a.released_at) AS "releasedSince"
                FROM license_activation a JOIN license l ON l.id = a.license_id
                     JOIN product_mapping m ON m.id = l.product_mapping_id JOIN vendor v ON v.id = l.vendor_id
                WHERE a.first_seen_at >= ? AND a.first_seen_at < ? AND (? OR NOT l.test)
                  AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                GROUP BY 1, 2, m.id, 3, 4, 5
                ORDER BY 1, 2, 5""", p.start(), p.end(), p.includeTest(), p.product(), p.product(), p.product(),
                p.vendor(), p.vendor(), p.scope(), p.scope());
        Map<String, Object> out = selection(p);
        out.put("rows", rows);
        out.put("activated", rows.stream().mapToLong(r -> ((Number) r.get("activated")).longValue()).sum());
        return out;
    }

    public Map<String, Object> licensesPerDay(@Header("from") String from, @Header("to") String to,
                                              @Header("product") String product, @Header("vendor") String vendor,
                                              @Header("includeTest") String includeTest,
            @Variable("principal") Principal principal) {
        ReportPeriod p = ReportPeriod.of(from, to, product, vendor, includeTest, principal);
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT to_char(l.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, v.code AS vendor,
                       m.product_code AS "productCode", m.product_id AS "productId", m.name AS product, count(*) AS issued
                FROM license l JOIN product_mapping m ON m.id = l.original_mapping_id JOIN vendor v ON v.id = l.vendor_id
                WHERE l.issued_at >= ? AND l.issued_at < ? AND (? OR NOT l.test)
                  AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
                GROUP BY 1, 2, m.id, 3, 4, 5
                ORDER BY 1, 2, 5""", p.start(), p.end(), p.includeTest(), p.product(), p.product(), p.product(),
                p.vendor(), p.vendor(), p.scope(), p.scope());
        Map<String, Long> perDay = new TreeMap<>();
        rows.forEach(r -> perDay.merge((String) r.get("day"), ((Number) r.get("issued")).longValue(), Long::sum));
        List<Map<String, Object>> days = new ArrayList<>();
        perDay.forEach((day, n) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("day", day);
            d.put("issued", n);
            days.add(d);
        });
        Map<String, Object> out = selection(p);
        out.put("rows", rows);
        out.put("days", days);
        return out;
    }

    private static Map<String, Object> emptyFigures(Map<String, Object> into) {
        for (String column : KINDS.values()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("lines", 0L);
            f.put("quantity", 0L);
            f.put("amount", BigDecimal.ZERO);
            f.put("usdAmount", null);
            f.put("unpriced", 0L);
            into.put(column, f);
        }
        into.put("net", BigDecimal.ZERO);
        return into;
    }

    /** Adds one group of the query to a row or a total; amounts become strings at the end of each call. */
    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> into, Map<String, Object> g) {
        String column = KINDS.get((String) g.get("kind"));
        Map<String, Object> f = (Map<String, Object>) into.get(column);
        f.put("lines", (Long) f.get("lines") + ((Number) g.get("lines")).longValue());
        f.put("quantity", (Long) f.get("quantity") + ((Number) g.get("quantity")).longValue());
        f.put("unpriced", (Long) f.get("unpriced") + ((Number) g.get("unpriced")).longValue());
        BigDecimal amount = g.get("amount") == null ? BigDecimal.ZERO : (BigDecimal) g.get("amount");
        f.put("amount", decimal(f.get("amount")).add(amount).toPlainString());
        if (g.get("usd_amount") != null) {
            BigDecimal usd = (BigDecimal) g.get("usd_amount");
            f.put("usdAmount", (f.get("usdAmount") == null ? BigDecimal.ZERO : decimal(f.get("usdAmount"))).add(usd).toPlainString());
        }
        if (!"RENEWAL_FAILED".equals(g.get("kind"))) {
            into.put("net", decimal(into.get("net")).add(amount).toPlainString());
        }
        // Figures never touched stay "0" rather than a number, so every amount in the answer is a string.
        for (String c : KINDS.values()) {
            Map<String, Object> other = (Map<String, Object>) into.get(c);
            other.put("amount", decimal(other.get("amount")).toPlainString());
        }
        into.put("net", decimal(into.get("net")).toPlainString());
    }

    private static BigDecimal decimal(Object v) {
        return v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
    }

    /** The selection a report answers for, echoed at the top of every report. */
    private static Map<String, Object> selection(ReportPeriod p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", p.from().toString());
        out.put("to", p.to().toString());
        out.put("product", p.product());
        out.put("vendor", p.vendor());
        out.put("includeTest", p.includeTest());
        return out;
    }
}
