package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Codes a vendor loaded for a connector (code source {@code pool}). {@link #take} hands out the oldest
 * free code in the caller's transaction (FOR UPDATE SKIP LOCKED: two workers, or two instances, never
 * take the same one, and a rolled-back transaction puts it back); an empty pool is a
 * {@link CodePoolEmptyException}, never a made-up code.
 */
public class CodePool {

    private final JdbcTemplate jdbc;
    private final Map<String, AtomicLong> available = new ConcurrentHashMap<>();

    public CodePool(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Nothing left to hand out: load codes, then replay the notification (2Checkout asks the key generator again). */
    public static class CodePoolEmptyException extends RuntimeException {
        public CodePoolEmptyException(String message) {
            super(message);
        }
    }

    /** The oldest free code, by the index of free codes (V20: the only index that gives the order). */
    static final String TAKE = """
            UPDATE license_code_pool SET taken_at = now()
            WHERE code = (SELECT code FROM license_code_pool WHERE connector_id = ? AND test = ? AND taken_at IS NULL
                          ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING code""";

    /**
     * The oldest free code of the connector (test codes for a test order); null for a test order of a
     * connector that never had test codes (it gets a generated test code instead).
     */
    public String take(long connectorId, String connectorName, boolean test) {
        List<String> code = jdbc.queryForList(TAKE, String.class, connectorId, test);
        if (!code.isEmpty()) {
            return code.get(0);
        }
        if (test && !Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM license_code_pool WHERE connector_id = ? AND test)", Boolean.class, connectorId))) {
            return null;
        }
        throw new CodePoolEmptyException("the code pool of connector '" + connectorName + "' has no " + (test ? "test " : "")
                + "codes left: load codes (panel, POST /api/connectors/" + connectorId + "/pool), then replay");
    }

    /** A code taken for a license another channel made meanwhile: free again, at its place in the order. */
    public void giveBack(long connectorId, String code) {
        jdbc.update("UPDATE license_code_pool SET taken_at = NULL WHERE connector_id = ? AND code = ?", connectorId, code);
    }

    /**
     * Loads codes: one per line (CSV: the first column; a header line "code" is skipped), or JSON
     * {"codes": [...], "test": false}. Codes that are in a pool or on a license already are skipped, so
     * a file can be loaded twice. Answers how many were added and how many are free now.
     */
    public Map<String, Object> load(@Header("id") long connectorId, @Header("test") String testParameter, @Body String body) {
        if (jdbc.queryForList("SELECT 1 FROM connector WHERE id = ?", connectorId).isEmpty()) {
            throw new ApiNotFoundException("no connector " + connectorId);
        }
        boolean test = "true".equalsIgnoreCase(testParameter);
        List<String> codes;
        String text = body == null ? "" : body.strip();
        if (text.startsWith("{")) {
            Map<String, Object> in = Json.object(text);
            test = test || Boolean.TRUE.equals(Json.bool(in, "test"));
            Object list = in.get("codes");
            if (!(list instanceof List<?> l)) {
                throw new IllegalArgumentException("'codes' must be a list of codes");
            }
            codes = l.stream().map(String::valueOf).toList();
        } else {
            codes = text.lines().map(line -> line.split(",", 2)[0].strip().replace("\"", "")).toList();
        }
        return Map.of("added", add(connectorId, codes, test), "available", free(connectorId, test), "test", test);
    }

    /** Adds codes to a connector's pool; returns how many were new. */
    public int add(long connectorId, List<String> codes, boolean test) {
        Set<String> clean = new LinkedHashSet<>();
        for (String c : codes) {
            String code = c.strip();
            if (code.isEmpty() || code.equalsIgnoreCase("code")) {
                continue;
            }
            if (code.length() > 200 || !code.matches("[\\p{Alnum}._:+/=-]+")) {
                throw new IllegalArgumentException("not a license code: '" + (code.length() > 40 ? code.substring(0, 40) + "..." : code) + "'");
            }
            clean.add(code);
        }
        int added = 0;
        for (List<String> chunk : chunks(new ArrayList<>(clean), 1000)) {
            added += jdbc.update(con -> {
                java.sql.PreparedStatement insert = con.prepareStatement("""
                        INSERT INTO license_code_pool (connector_id, code, test)
                        SELECT ?, c, ? FROM unnest(?::text[]) WITH ORDINALITY AS t(c, n)
                        WHERE NOT EXISTS (SELECT 1 FROM license l WHERE l.code = t.c)
                        ORDER BY n
                        ON CONFLICT (code) DO NOTHING""");
                insert.setLong(1, connectorId);
                insert.setBoolean(2, test);
                insert.setArray(3, con.createArrayOf("text", chunk.toArray()));
                return insert;
            });
        }
        return added;
    }

    private static List<List<String>> chunks(List<String> all, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    public int free(long connectorId, boolean test) {
        return jdbc.queryForObject("SELECT count(*) FROM license_code_pool WHERE connector_id = ? AND test = ? AND taken_at IS NULL",
                Integer.class, connectorId, test);
    }

    /** The pool of a connector: free and taken codes, live and test, and the low-stock threshold. */
    public Map<String, Object> stock(@Header("id") long connectorId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT c.code AS connector, c.code_source, c.pool_low_stock,
                       count(p.id) FILTER (WHERE NOT p.test AND p.taken_at IS NULL) AS available,
                       count(p.id) FILTER (WHERE NOT p.test AND p.taken_at IS NOT NULL) AS taken,
                       count(p.id) FILTER (WHERE p.test AND p.taken_at IS NULL) AS test_available,
                       count(p.id) FILTER (WHERE p.test AND p.taken_at IS NOT NULL) AS test_taken
                FROM connector c LEFT JOIN license_code_pool p ON p.connector_id = c.id
                WHERE c.id = ? GROUP BY c.id""", connectorId);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no connector " + connectorId);
        }
        return rows.get(0);
    }

    /**
     * The pools below their threshold, for the low-stock alert; on the way, the gauge
     * connector_code_pool_available of every pool connector is brought up to date.
     */
    public List<Map<String, Object>> watch(Exchange exchange) {
        List<Map<String, Object>> pools = jdbc.queryForList("""
                SELECT c.id AS connector_id, c.code AS connector, c.name AS connector_name, c.pool_low_stock, v.code AS vendor_code,
                       v.name AS vendor_name, v.contact_email,
                       (SELECT count(*) FROM license_code_pool p WHERE p.connector_id = c.id AND NOT p.test AND p.taken_at IS NULL) AS available,
                       (SELECT count(*) FROM license_code_pool p WHERE p.connector_id = c.id AND NOT p.test) AS loaded
                FROM connector c JOIN vendor v ON v.id = c.vendor_id WHERE c.code_source = 'pool'""");
        io.micrometer.core.instrument.MeterRegistry registry =
                exchange.getContext().getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
        List<Map<String, Object>> low = new ArrayList<>();
        for (Map<String, Object> p : pools) {
            long n = ((Number) p.get("available")).longValue();
            String key = p.get("vendor_code") + "/" + p.get("connector");
            AtomicLong gauge = available.computeIfAbsent(key, k -> {
                AtomicLong a = new AtomicLong();
                if (registry != null) {
                    io.micrometer.core.instrument.Gauge.builder("connector_code_pool_available", a, AtomicLong::get)
                            .description("Codes left in a connector's pool (live orders)")
                            .tag("vendor", String.valueOf(p.get("vendor_code"))).tag("connector", String.valueOf(p.get("connector")))
                            .register(registry);
                }
                return a;
            });
            gauge.set(n);
            if (n < ((Number) p.get("pool_low_stock")).intValue()) {
                low.add(p);
            }
        }
        return low;
    }

    static String describe(Map<String, Object> pool) {
        return String.format(Locale.ROOT, "%s codes left in the pool of connector %s (threshold %s)", pool.get("available"),
                pool.get("connector_name"), pool.get("pool_low_stock"));
    }
}
