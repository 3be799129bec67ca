package io.github.twocheckout.connector.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.simulator.ConnectorClient;
import io.github.twocheckout.connector.simulator.LoadRunner;
import io.github.twocheckout.connector.simulator.LoadSummary;
import io.github.twocheckout.connector.simulator.SimProduct;
import io.github.twocheckout.connector.simulator.SimVendor;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The promise under faults: every acknowledged notification processed exactly once, whatever fails.
 * Each scenario drives the connector (as its own process) with the simulator's load mode on
 * 127.0.0.1 and prints a row of the reliability table (also appended to target/reliability.md).
 *
 * <p>CI runs it scaled down; the full-size run (2,000+ notifications per scenario) is
 * {@code mvn -B verify -Dtest=FaultSuiteTest -Dfault.scale=full -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultSuiteTest {

    static final boolean FULL = "full".equals(System.getProperty("fault.scale"));
    static final SimVendor ACME = new SimVendor("1001", "ACME", "tango-acme", "acme-key-2026");
    static final List<SimProduct> PRODUCTS = List.of(
            new SimProduct("5001", "ACME-PRO", "ACME Pro", 2, new BigDecimal("49.00"), null),
            new SimProduct("5002", "ACME-SUB", "ACME Subscription", 1, new BigDecimal("29.00"), Period.ofYears(1)));
    /** Orders, renewals, refunds, subscription changes and key-generator calls, across the four channels. */
    static final String MIX = "ins=20,ins:RECURRING_INSTALLMENT_SUCCESS=6,ins:REFUND_ISSUED=3,ipn=25,ipn:RENEWAL=10,ipn:REFUND=4,"
            + "lcn:PAST_DUE=4,lcn=4,keygen=10";

    private JdbcTemplate jdbc;

    @BeforeAll
    void database() {
        String url = SharedInfrastructure.jdbcUrl();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        jdbc = new JdbcTemplate((DataSource) ds);
    }

    private static LoadRunner.Options load(long count, int concurrency) {
        return new LoadRunner.Options(MIX, concurrency, null, count, null, PRODUCTS, Duration.ofSeconds(10));
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    private static void report(FaultCheck.Figures f, LoadSummary summary) throws Exception {
        String line = f.row() + "  (" + summary.throughputPerSecond() + " calls/s, statuses " + summary.byStatus() + ")";
        System.out.println(FaultCheck.Figures.header());
        System.out.println(line);
        Path table = Path.of("target/reliability.md");
        if (!Files.exists(table)) {
            Files.writeString(table, FaultCheck.Figures.header() + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(table, f.row() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static void assertKept(FaultCheck.Figures f) {
        assertThat(f.problems()).as(f.row()).isEmpty();
        assertThat(f.lost()).isZero();
        assertThat(f.duplicateLicenses()).isZero();
        assertThat(f.doubleRenewals()).isZero();
        assertThat(f.processed()).isEqualTo(f.acknowledged());
    }

    @Test
    void crashKilledWithSigkillUnderLoadAndRestarted() throws Exception {
        long count = FULL ? 2400 : 600;
        FaultCheck check = new FaultCheck();
        try (ConnectorProcess c = ConnectorProcess.start("crash", SharedInfrastructure.jdbcUrl(), Map.of())) {
            LoadRunner runner = new LoadRunner(new ConnectorClient(c.baseUrl(), Duration.ofSeconds(10)), ACME, quiet()).onResult(check);
            // First half: SIGKILL a third of the way in; the calls in flight and those that follow get no answer.
            CompletableFuture<LoadSummary> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run(load(count / 2, 8));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> check.results().size() >= count / 6);
            c.kill();
            long atKill = check.results().size();
            LoadSummary before = first.get();
            // Second half after the restart: new orders, and renewals, refunds and changes of those sent before the crash.
            c.restart();
            LoadSummary after = runner.run(load(count / 2, 8));
            FaultCheck.Figures f = check.verify("crash (SIGKILL at call " + atKill + ", restart)", jdbc, Duration.ofSeconds(120));
            report(f, after);
            assertThat(before.byStatus()).containsKey("0"); // calls during the crash got no answer: not acknowledged
            assertKept(f);
        }
    }

    @Test
    void databaseOutageOfTwentySecondsUnderLoad() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "fault-pg");
        int pgPort = SharedInfrastructure.freePort();
        java.util.function.Supplier<io.zonky.test.db.postgres.embedded.EmbeddedPostgres> startPg = () -> {
            try {
                return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                        .setPort(pgPort).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = startPg.get();
        String url = pg.getJdbcUrl("postgres", "postgres");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        JdbcTemplate own = new JdbcTemplate((DataSource) ds);
        FaultCheck check = new FaultCheck();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try (ConnectorProcess c = ConnectorProcess.start("db-outage", url, Map.of())) {
            java.util.function.IntSupplier health = () -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.managementUrl() + "/observe/health"))
                            .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception e) {
                    return -1;
                }
            };
            LoadRunner runner = new LoadRunner(new ConnectorClient(c.baseUrl(), Duration.ofSeconds(10)), ACME, quiet()).onResult(check);
            long seconds = FULL ? 90 : 45;
            CompletableFuture<LoadSummary> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run(new LoadRunner.Options(MIX, 4, null, null, Duration.ofSeconds(seconds), PRODUCTS, Duration.ofSeconds(10)));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> check.results().size() >= 100);
            assertThat(health.getAsInt()).isEqualTo(200);
            pg.close();
            // The outage lasts 20 s; all the while the connector says DOWN and stores nothing it cannot.
            long outageEnd = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> health.getAsInt() == 503);
            while (System.nanoTime() < outageEnd) {
                assertThat(health.getAsInt()).as("health during the outage").isEqualTo(503);
                org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            }
            long during = check.results().stream().filter(r -> r.status() == 503).count();
            pg = startPg.get();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> health.getAsInt() == 200);
            LoadSummary summary = running.get();
            FaultCheck.Figures f = check.verify("database stopped 20 s under load (" + during + " calls answered 503)", own,
                    Duration.ofSeconds(120));
            report(f, summary);
            assertThat(during).isPositive();
            assertThat(summary.byStatus().keySet()).allMatch(k -> k.equals("200") || k.equals("503"));
            assertKept(f);
        } finally {
            pg.close();
        }
    }

    @Test
    void hostileInputNeverYieldsALicenseACrashOrA5xx() throws Exception {
        HostileCorpus corpus = new HostileCorpus(ACME, PRODUCTS);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (ConnectorProcess c = ConnectorProcess.start("hostile", SharedInfrastructure.jdbcUrl(), Map.of(
                // 2Checkout behind the proxy comes from 127.0.0.1; the rest of the world from elsewhere.
                "ins.allowed-ips.enabled", "true", "ins.allowed-ips", "127.0.0.1/32",
                "intake.client-ip-header", "X-Forwarded-For"))) {
            ConnectorClient client = new ConnectorClient(c.baseUrl(), Duration.ofSeconds(10));
            List<String> orders = new java.util.ArrayList<>();
            for (var call : corpus.authentic()) {
                assertThat(client.send(call).ok()).as(call.label()).isTrue();
                orders.add(call.orderRef());
            }
            String[] refs = orders.toArray(String[]::new);
            // Let the authentic orders settle, then count: the corpus must not add a single license.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM notification WHERE order_ref = ANY (?) AND status IN ('RECEIVED', 'PROCESSING')",
                    Integer.class, (Object) refs) == 0);
            long licensesBefore = jdbc.queryForObject("SELECT count(*) FROM license", Long.class);
            String licenseStateBefore = licenseState();
            long rejectedBefore = jdbc.queryForObject("SELECT count(*) FROM notification WHERE status = 'REJECTED'", Long.class);
            long storedBefore = jdbc.queryForObject("SELECT count(*) FROM notification WHERE status <> 'REJECTED'", Long.class);

            List<HostileCorpus.Request> requests = corpus.generate(FULL ? 5000 : 1000);
            Map<String, java.util.TreeMap<Integer, Integer>> byKind = new java.util.TreeMap<>();
            long fourXx = 0;
            List<String> wrong = new java.util.ArrayList<>();
            for (HostileCorpus.Request r : requests) {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.baseUrl() + r.path()))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", r.contentType())
                        .method(r.method(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(r.body()));
                if (r.forwardedFor() != null) {
                    request.header("X-Forwarded-For", r.forwardedFor());
                }
                java.net.http.HttpResponse<String> response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                byKind.computeIfAbsent(r.kind(), k -> new java.util.TreeMap<>()).merge(status, 1, Integer::sum);
                if (status >= 400 && status < 500) {
                    fourXx++;
                    if (response.body().isBlank()) {
                        wrong.add(r.kind() + ": " + status + " without a reason");
                    }
                } else if (status >= 500) {
                    wrong.add(r.kind() + " " + r.path() + ": " + status);
                } else if (r.kind().startsWith("non-ASCII") || r.forwardedFor() != null) {
                    wrong.add(r.kind() + ": accepted with " + status);
                } else if (!r.replay() && !insWithIntactHash(r)) {
                    String sent = new String(r.body(), StandardCharsets.UTF_8);
                    wrong.add(r.kind() + " " + r.path() + ": accepted with " + status + ", body ending '"
                            + sent.substring(Math.max(0, sent.length() - 120)) + "'");
                }
            }
            // Bodies that never finish arriving: each answered 408 after intake.body-timeout-ms, and recorded.
            int slow = 20;
            List<io.github.twocheckout.connector.support.RawHttp> hanging = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < slow; i++) {
                    var h = io.github.twocheckout.connector.support.RawHttp.open(java.net.URI.create(c.baseUrl()).getPort());
                    h.head("POST", List.of("/2co/ins", "/2co/ipn", "/2co/lcn", "/2co/keygen").get(i % 4),
                            "Content-Type: application/x-www-form-urlencoded", "Content-Length: 1000");
                    h.write("message_type=ORD".getBytes(StandardCharsets.US_ASCII));
                    hanging.add(h);
                }
                for (var h : hanging) {
                    int status = h.read().status();
                    byKind.computeIfAbsent("slow body", k -> new java.util.TreeMap<>()).merge(status, 1, Integer::sum);
                    if (status == 408) {
                        fourXx++;
                    } else {
                        wrong.add("slow body: " + status);
                    }
                }
            } finally {
                for (var h : hanging) {
                    h.close();
                }
            }
            int sent = requests.size() + slow;
            // What the accepted copies (INS verifies them) do is done after the acknowledgement: wait for it.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM notification WHERE status IN ('RECEIVED', 'PROCESSING')", Integer.class) == 0);
            long licensesAfter = jdbc.queryForObject("SELECT count(*) FROM license", Long.class);
            long rejectedAfter = jdbc.queryForObject("SELECT count(*) FROM notification WHERE status = 'REJECTED'", Long.class);
            System.out.println("hostile corpus: " + sent + " requests, answers by kind: " + byKind);
            long storedAfter = jdbc.queryForObject("SELECT count(*) FROM notification WHERE status <> 'REJECTED'", Long.class);
            // Acknowledged: the duplicates of authentic messages (200, nothing new); processed: new notifications.
            String row = String.format("| hostile input (%d requests: %d answered 4xx and recorded, no 5xx; licenses changed: %s) "
                            + "| %d | %d | %d | +%d | - | %d | 0 | 0 |",
                    sent, fourXx, licenseState().equals(licenseStateBefore) ? "0" : "SOME", sent, sent - fourXx,
                    storedAfter - storedBefore, licensesAfter - licensesBefore, licensesAfter - licensesBefore);
            System.out.println(row);
            Files.writeString(Path.of("target/reliability.md"), row + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            assertThat(requests.size()).isGreaterThanOrEqualTo(1000);
            assertThat(wrong).isEmpty();
            assertThat(licensesAfter).as("licenses").isEqualTo(licensesBefore);
            assertThat(licenseState()).as("licenses changed by bad input").isEqualTo(licenseStateBefore);
            assertThat(rejectedAfter - rejectedBefore).as("every 4xx recorded").isEqualTo(fourXx);
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.managementUrl() + "/observe/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            // One support email per kind of rejection, not a thousand.
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM mail_outbox WHERE status = 'PENDING' AND kind = 'rejected-call'", Integer.class) == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                assertThat(jdbc.queryForList("SELECT id, subject, attempts, last_error FROM mail_outbox "
                        + "WHERE status = 'PENDING' AND kind = 'rejected-call'")).as("rejection emails not sent").isEmpty();
            }
            long rejectionMails = jdbc.queryForObject("SELECT count(*) FROM mail_outbox WHERE kind = 'rejected-call' "
                    + "AND created_at > now() - interval '10 minutes'", Long.class);
            assertThat(rejectionMails).isLessThan(fourXx / 10);
        }
    }

    /** Every license's status, expiry, buyer and events, as one digest: equal when bad input changed none of them. */
    private String licenseState() {
        return jdbc.queryForObject("""
                SELECT count(*) || ':' || coalesce(sum(hashtext(l.id || l.status || coalesce(l.expires_at::text, '')
                       || coalesce(l.customer_email, '') || l.quantity || (SELECT count(*) FROM license_event e
                                                                          WHERE e.license_id = l.id))), 0)
                FROM license l""", String.class);
    }

    /**
     * Legacy INS signs only sale_id, vendor_id and invoice_id: a copy with another field changed still
     * verifies. It is then a duplicate of the real event (its identity ignores the unsigned fields) and
     * must not yield anything, which the license count checks.
     */
    private static boolean insWithIntactHash(HostileCorpus.Request r) {
        if (!r.path().startsWith("/2co/ins")) {
            return false;
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        return body.contains("md5_hash=");
    }

    @Test
    void duplicateStormEveryCallThreeTimesAtOnce() throws Exception {
        long count = FULL ? 2000 : 300;
        FaultCheck check = new FaultCheck();
        try (ConnectorProcess c = ConnectorProcess.start("storm", SharedInfrastructure.jdbcUrl(), Map.of())) {
            LoadSummary summary = new LoadRunner(new ConnectorClient(c.baseUrl(), Duration.ofSeconds(10)), ACME, quiet())
                    .copies(3).onResult(check).run(load(count, 6));
            FaultCheck.Figures f = check.verify("duplicate storm (x3, concurrent, any order)", jdbc, Duration.ofSeconds(120));
            report(f, summary);
            assertThat(summary.sent()).isEqualTo(count * 3);
            assertThat(f.duplicateDeliveries()).isPositive();
            assertKept(f);
        }
    }

    @Test
    void twoInstancesOnOneDatabaseWithDuplicatesRacingAcrossThemAndOneKilled() throws Exception {
        long count = FULL ? 3000 : 500;
        FaultCheck check = new FaultCheck();
        try (ConnectorProcess a = ConnectorProcess.start("instance-a", SharedInfrastructure.jdbcUrl(), Map.of());
             ConnectorProcess b = ConnectorProcess.start("instance-b", SharedInfrastructure.jdbcUrl(), Map.of())) {
            LoadRunner runner = new LoadRunner(List.of(new ConnectorClient(a.baseUrl(), Duration.ofSeconds(10)),
                    new ConnectorClient(b.baseUrl(), Duration.ofSeconds(10))), ACME, quiet()).copies(2).onResult(check);
            CompletableFuture<LoadSummary> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run(load(count, 8));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Half-way, instance A dies: B takes over what A had stored but not finished (expired leases).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> check.results().size() >= count);
            a.kill();
            LoadSummary summary = running.get();
            FaultCheck.Figures f = check.verify("two instances, duplicates across both, A killed half-way", jdbc, Duration.ofSeconds(120));
            report(f, summary);
            assertKept(f);
        }
    }
}
