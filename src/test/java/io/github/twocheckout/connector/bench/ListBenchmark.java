package io.github.twocheckout.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.twocheckout.connector.support.LaunchedConnector;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The panel's lists with a million licenses in the database: the connector runs from the JAR (as the
 * README starts it) on an embedded PostgreSQL with fsync on; two vendors hold 900,000 and 100,000
 * licenses; each list request is timed over HTTP as the operator's admin and as the big vendor's admin,
 * and the table of p50/p99 per request is printed (also to target/benchmark-lists.md). Target: p99
 * under 100 ms for a page. Run: scripts/benchmark.sh -Dbench.lists=true (-Dbench.lists.licenses=N for
 * another count, -Dbench.lists.requests=N per row).
 */
public final class ListBenchmark {

    private static final Path JAR = Path.of("target/twocheckout-license-connector.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;

    public static void main(String[] args) throws Exception {
        new ListBenchmark().run();
    }

    private void run() throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it first (mvn -B -DskipTests package)");
        }
        int licenses = Integer.getInteger("bench.lists.licenses", 1_000_000);
        int requests = Integer.getInteger("bench.lists.requests", 200);
        Path work = Files.createDirectories(Path.of("target/bench"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory(work, "pg-lists"))
                .setCleanDataDirectory(true).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser("postgres");
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            int port = freePort();
            int mgmt = freePort();
            Path dataDir = Files.createDirectories(work.resolve("lists"));
            ProcessBuilder pb = new ProcessBuilder("sh", Path.of("scripts", "connector.sh").toAbsolutePath().toString());
            pb.environment().put("JAVA_TOOL_OPTIONS", String.join(" ", List.of("-Dconnector.data-dir=" + dataDir.toAbsolutePath(),
                    "-Ddb.url=" + url, "-Ddb.username=postgres", "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + mgmt)));
            try (LaunchedConnector connector = LaunchedConnector.start(pb, dataDir.resolve("connector.log"), dataDir)) {
                connector.awaitHealthy("http://127.0.0.1:" + mgmt + "/observe/health", Duration.ofSeconds(120));
                base = "http://127.0.0.1:" + port;
                Session admin = login("admin", "demo-admin");
                long big = seedVendor(admin, "bench-big", 9101);
                long small = seedVendor(admin, "bench-small", 9102);
                admin.send("POST", "/api/users", Map.of("username", "bench-big-admin", "password", "bench-big-admin-password",
                        "role", "vendor-admin", "vendorIds", List.of(big)));
                long started = System.nanoTime();
                insertLicenses(jdbc, big, 0, licenses - licenses / 10);
                insertLicenses(jdbc, small, licenses - licenses / 10, licenses);
                jdbc.execute("VACUUM ANALYZE license");
                double seedSeconds = (System.nanoTime() - started) / 1e9;
                Session vendorAdmin = login("bench-big-admin", "bench-big-admin-password");
                String email = jdbc.queryForObject("SELECT customer_email FROM license WHERE vendor_id = ? ORDER BY id DESC LIMIT 1 OFFSET 5000",
                        String.class, big);
                String order = jdbc.queryForObject("SELECT order_ref FROM license WHERE vendor_id = ? ORDER BY id LIMIT 1 OFFSET 12345",
                        String.class, big);
                Map<String, String> rows = new LinkedHashMap<>();
                rows.put("licenses, first page (operator admin, every vendor)", "/api/licenses?limit=50");
                rows.put("licenses, first page (vendor admin)", "/api/licenses?limit=50");
                rows.put("licenses, page 1,000 (offset 49,950)", "/api/licenses?limit=50&offset=49950");
                rows.put("licenses, sorted by expiry, latest first", "/api/licenses?limit=50&sort=-expires_at");
                rows.put("licenses, sorted by customer email", "/api/licenses?limit=50&sort=email");
                rows.put("licenses, status REVOKED", "/api/licenses?limit=50&status=REVOKED");
                rows.put("licenses, live only, one month", "/api/licenses?limit=50&test=false&from=" + java.time.LocalDate.now().minusDays(60)
                        + "&to=" + java.time.LocalDate.now().minusDays(30));
                rows.put("licenses, free text: a customer email", "/api/licenses?limit=50&q=" + email);
                rows.put("licenses, free text: an order", "/api/licenses?limit=50&q=" + order);
                rows.put("licenses, free text: part of a name", "/api/licenses?limit=50&q=" + "Buyer%2031234");
                rows.put("notifications, first page", "/api/notifications?limit=50");
                rows.put("audit log, first page", "/api/audit?limit=50");
                StringBuilder table = new StringBuilder("| list request | as | total | p50 | p99 |\n|---|---|---:|---:|---:|\n");
                for (Map.Entry<String, String> row : rows.entrySet()) {
                    Session as = row.getKey().contains("operator admin") || row.getKey().startsWith("audit") ? admin : vendorAdmin;
                    table.append(measure(row.getKey(), row.getValue(), as, requests));
                }
                String out = "Lists with " + String.format(Locale.ROOT, "%,d", licenses) + " licenses (seeded and analysed in "
                        + String.format(Locale.ROOT, "%.0f", seedSeconds) + " s), " + requests + " requests per row after 20 to warm up; "
                        + "target p99 < 100 ms\n\n" + table;
                System.out.println(out);
                Files.writeString(Path.of("target/benchmark-lists.md"), out);
            }
        }
    }

    private String measure(String label, String path, Session as, int requests) throws Exception {
        String total = null;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = as.get(path);
            total = r.headers().firstValue("X-Total-Count").orElse("?")
                    + (r.headers().firstValue("X-Total-Count-Estimated").isPresent() ? " (estimated)" : "");
        }
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = as.get(path);
            nanos[i] = System.nanoTime() - t;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        Arrays.sort(nanos);
        return String.format(Locale.ROOT, "| %s | %s | %s | %.1f ms | %.1f ms |%n", label, as.name, total,
                nanos[requests / 2] / 1e6, nanos[(int) Math.ceil(requests * 0.99) - 1] / 1e6);
    }

    /** A vendor with a connector and one product, through the API as the operator's admin. */
    private long seedVendor(Session admin, String code, int productId) throws Exception {
        long vendor = admin.send("POST", "/api/vendors", Map.of("code", code, "contactEmail", code + "@example.test")).get("id").asLong();
        long connector = admin.send("POST", "/api/connectors", Map.of("vendorId", vendor, "code", code + "-app", "name", code + " app"))
                .get("id").asLong();
        admin.send("POST", "/api/connectors/" + connector + "/mappings", Map.of("productId", String.valueOf(productId), "name", code + " pro",
                "licenseType", "subscription", "duration", "P1Y"));
        return vendor;
    }

    /** Licenses numbered from..to, issued over the past year, a tenth of them test, some revoked or suspended. */
    private static void insertLicenses(JdbcTemplate jdbc, long vendor, int from, int to) {
        Map<String, Object> c = jdbc.queryForMap("""
                SELECT c.id AS connector, m.id AS mapping FROM connector c JOIN product_mapping m ON m.connector_id = c.id
                WHERE c.vendor_id = ?""", vendor);
        for (int start = from; start < to; start += 100_000) {
            jdbc.update("""
                    INSERT INTO license (code, vendor_id, connector_id, product_mapping_id, original_mapping_id, order_ref, unit_no,
                                         quantity, customer_name, customer_email, status, test, issued_at, expires_at)
                    SELECT upper(substr(md5('bench' || g), 1, 20)), ?, ?, ?, ?, 'BENCH' || (g / 2), g % 2 + 1, 2,
                           'Buyer ' || (g % 40000), 'buyer' || (g % 40000) || '@example' || (g % 89) || '.test',
                           CASE g % 20 WHEN 0 THEN 'REVOKED' WHEN 1 THEN 'SUSPENDED' ELSE 'ACTIVE' END, g % 10 = 0,
                           now() - (? - g) * interval '30 seconds', now() - (? - g) * interval '30 seconds' + interval '1 year'
                    FROM generate_series(?, ?) g""", vendor, c.get("connector"), c.get("mapping"), c.get("mapping"), to, to,
                    start, Math.min(to, start + 100_000) - 1);
        }
    }

    private Session login(String user, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", user, "password", password)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login as " + user + ": " + r.statusCode() + " " + r.body());
        }
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        return new Session(user, cookie, JSON.readTree(r.body()).get("csrfToken").asText());
    }

    private final class Session {
        final String name;
        final String cookie;
        final String csrf;

        Session(String name, String cookie, String csrf) {
            this.name = name;
            this.cookie = cookie;
            this.csrf = csrf;
        }

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        JsonNode send(String method, String path, Object body) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie)
                    .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
