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
