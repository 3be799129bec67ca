package io.github.twocheckout.connector.bench;

import io.github.twocheckout.connector.simulator.ConnectorClient;
import io.github.twocheckout.connector.simulator.LoadRunner;
import io.github.twocheckout.connector.simulator.LoadSummary;
import io.github.twocheckout.connector.simulator.SimProduct;
import io.github.twocheckout.connector.simulator.SimVendor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The benchmark: the connector from the built JAR against PostgreSQL (fsync and synchronous_commit
 * on), driven by the simulator's load mode on 127.0.0.1, alternating with a bare Vert.x baseline that
 * does only the durable part of ingest. Prints a table of figures, ratios and targets, and writes it
 * to target/benchmark.md. Run: {@code scripts/benchmark.sh} (see the README); {@code -Dbench.scale=quick}
 * for a short run, {@code -Dbench.db.url=jdbc:postgresql://...} for another PostgreSQL.
 */
public final class Benchmark {

    private static final SimVendor DEMO = new SimVendor("901234567", "DEMOSOFT", "s3cr3tWord", "AABBCCDDEEFF");
    private static final List<SimProduct> PRODUCTS = List.of(
            new SimProduct("4711001", "DEMO-PRO", "Demo App Pro", 1, new BigDecimal("49.00"), null),
            new SimProduct("4711002", "DEMO-PRO-1Y", "Demo App Pro (1 year)", 1, new BigDecimal("29.00"), Period.ofYears(1)));
    /** Where scripts/connector.sh keeps the class-data-sharing archive: beside the JAR. */
    private static final Path SHARED_ARCHIVE = Path.of("target", "twocheckout-license-connector.jsa");
    private static final Path JAR = Path.of("target/twocheckout-license-connector.jar");

    /** Open-loop end-to-end steps: orders/s of the first, the increase, and the target's rate (the last). */
    private static final int OPEN_LOOP_FIRST = 300;
    private static final int OPEN_LOOP_STEP = 100;
    private static final int OPEN_LOOP_TARGET = 1000;

    private final boolean quick = "quick".equals(System.getProperty("bench.scale"));
    private final Duration phase = Duration.ofSeconds(quick ? 8 : 20);
    private final Duration e2e = Duration.ofSeconds(quick ? 20 : 60);
    private final Duration warmup = Duration.ofSeconds(quick ? 5 : 15);
    private final Duration settleRound = Duration.ofSeconds(quick ? 5 : 10);
    private final List<String[]> rows = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean("bench.lists")) {
            ListBenchmark.main(args); // the panel's lists with a million licenses, on their own
            return;
        }
        new Benchmark().run();
    }

    private void run() throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it first (mvn -B -DskipTests package)");
        }
        Path work = Files.createDirectories(Path.of("target/bench"));
        EmbeddedPostgres pg = null;
        String url = System.getProperty("bench.db.url", "");
        if (url.isBlank()) {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory(work, "pg"))
                    .setCleanDataDirectory(true).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "100");
            if (Boolean.getBoolean("bench.pg-statements")) {
                // -Dbench.pg-statements=true: what PostgreSQL ran per call in the key generator's rounds (keygen-only),
                // and in its log (target/bench/pg-log) the plan of every statement over 10 ms and autovacuum's work.
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
                        .setServerConfig("auto_explain.log_min_duration", "10ms").setServerConfig("log_autovacuum_min_duration", "0")
                        .setServerConfig("logging_collector", "on").setServerConfig("log_directory", work.resolve("pg-log").toAbsolutePath().toString());
            }
            pg = builder.start();
            url = pg.getJdbcUrl("postgres", "postgres");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        try {
            String rates = System.getProperty("bench.open-loop-only", "");
            if (!rates.isBlank()) {
                openLoopOnly(jdbc, url, work, rates);
                return;
            }
            if (Boolean.getBoolean("bench.wrk-ins-only")) {
                wrkInsOnly(jdbc, url, work);
                return;
            }
            if (Boolean.getBoolean("bench.keygen-only")) {
                keygenOnly(jdbc, url, work);
                return;
            }
            // As the README starts it: scripts/connector.sh, whose first run writes a class-data-sharing archive
            // next to the JAR when it stops, and whose later runs map it. The first of readyTime's starts (not
            // counted) writes it; a run without it, for comparison, first.
            double bare = readyTime(work, Map.of("CONNECTOR_CDS", "off"));
            Files.deleteIfExists(SHARED_ARCHIVE);
            double ready = readyTime(work, Map.of());
            row("ready after scripts/connector.sh, the README's start (warm embedded database, class-data-sharing archive of the first run; median of 3)",
                    fmt(ready) + " s", "≤ 3 s", ready <= 3 && Files.exists(SHARED_ARCHIVE));
            row("ready without the archive (CONNECTOR_CDS=off; median of 3)", fmt(bare) + " s", "", null);

            int port = freePort();
            int mgmt = freePort();
            // The validate phase plays thousands of applications with 2,000 licenses, each validated many times a
            // minute: the throttle's count per code (which costs the same either way) must not refuse them.
            Process connector = startJar(work.resolve("external"), List.of("-Ddb.url=" + url, "-Ddb.username=postgres",
                    "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + mgmt, "-Dlicensing.calls-per-code-per-minute=1000000"));
            awaitReady(mgmt, connector, Duration.ofSeconds(60));
            String connectorUrl = "http://127.0.0.1:" + port;
            int basePort = freePort();
            try (BaselineServer baseline = new BaselineServer(url, basePort, DEMO.insVendorId(), DEMO.secretWord())) {
                String baselineUrl = "http://127.0.0.1:" + basePort;
                // Warm both up (the JIT compiles the connector's paths for a good 15 s, and takes a third of
                // the CPU meanwhile), then alternate: baseline, connector, baseline, connector. The
                // connector's backlog is worked off before the baseline runs, so that it takes nothing from it.
                // Every channel measured is warmed: without it the IPN phase ran while the JIT compiler
                // compiled the IPN paths, a quarter of the connector's CPU samples in a profile of intake alone.
                load(baselineUrl, "ins=1", 32, warmup);
                load(connectorUrl, "ins=1", 32, warmup);
                load(connectorUrl, "ipn=1", 32, warmup);
                load(connectorUrl, "keygen=1", 8, warmup);
                awaitBacklog(jdbc, Duration.ofMinutes(5));
                Alternated insPhases = alternate(baselineUrl, connectorUrl, () -> awaitBacklog(jdbc, Duration.ofMinutes(5)));
                double baseTput = insPhases.baselinePerSecond();
                double insTput = insPhases.connectorPerSecond();
                LoadSummary insLast = insPhases.connector().get(insPhases.connector().size() - 1);
                row("baseline: INS acknowledged/s (verify + INSERT, 32 connections)", fmt(baseTput), "", null);
                row("baseline: INS p50 / p99 / p99.9 ms", latency(insPhases.baseline().get(insPhases.baseline().size() - 1)), "", null);
                row("connector: INS acknowledged/s (32 connections)", fmt(insTput), "", null);
                row("connector/baseline INS acknowledgement ratio", fmt(insTput / baseTput), "≥ 0.6", insTput / baseTput >= 0.6);
                row("connector: INS p50 / p99 / p99.9 ms", latency(insLast), "p99 ≤ 50 ms", insLast.latencyMs().p99() <= 50);
                awaitBacklog(jdbc, Duration.ofMinutes(5));

                LoadSummary ipn = load(connectorUrl, "ipn=1", 32, phase);
                row("connector: IPN acknowledged/s (32 connections)", fmt(ipn.throughputPerSecond()), "", null);
                row("connector: IPN p50 / p99 / p99.9 ms", latency(ipn), "p99 ≤ 50 ms", ipn.latencyMs().p99() <= 50);
                awaitBacklog(jdbc, Duration.ofMinutes(5));

                // The key generator's own paths (licenses, the answer, the vendor's email) are compiled by its calls
                // alone: a connector that served nothing else kept the JIT compiler on most of a core for two
                // minutes of them. A connector in service has long compiled them, so the phase waits until a
                // round of calls compiles next to nothing.
                double[] settled = warmUntilCompiled(connectorUrl, "keygen=1", 8, connector.pid());
                row("key generator warm-up until the JIT compiler settled (under 1 s of compiling in a round of "
                        + settleRound.toSeconds() + " s)", fmt(settled[0]) + " s, " + fmt(settled[1]) + " s compiling", "", null);
                awaitBacklog(jdbc, Duration.ofMinutes(5));
                Beside keygenBeside = Beside.now(jdbc, connector);
                LoadSummary keygen = load(connectorUrl, "keygen=1", 8, phase);
                row("connector: key generator answers/s (8 connections)", fmt(keygen.throughputPerSecond()), "", null);
                row("connector: key generator p50 / p99 ms", fmt(keygen.latencyMs().p50()) + " / " + fmt(keygen.latencyMs().p99()),
                        "p99 < 50 ms", keygen.latencyMs().p99() < 50);
                row("key generator phase: " + Beside.WHAT, keygenBeside.since(jdbc, connector, keygen.ok()), "", null);
                // The same calls with the demo connector's codes from a pool: a code taken per unit in the
                // issuing transaction (FOR UPDATE SKIP LOCKED) in place of one generated.
                awaitBacklog(jdbc, Duration.ofMinutes(5));
                Beside[] poolBeside = new Beside[1];
                Process serving = connector;
                LoadSummary pooled = withCodePool(jdbc, () -> {
                    poolBeside[0] = Beside.now(jdbc, serving);
                    return load(connectorUrl, "keygen=1", 8, phase);
                });
                row("connector: key generator from a code pool, answers/s; p50 / p99 ms (8 connections)",
                        fmt(pooled.throughputPerSecond()) + "; " + fmt(pooled.latencyMs().p50()) + " / " + fmt(pooled.latencyMs().p99()),
                        "p99 < 50 ms", pooled.latencyMs().p99() < 50);
                row("pool phase: " + Beside.WHAT, poolBeside[0].since(jdbc, connector, pooled.ok()), "", null);

                // The licensing API: validations of activated licenses by the buyers' applications.
                awaitBacklog(jdbc, Duration.ofMinutes(5));
                double[] validate = validations(connectorUrl, jdbc);
                row("licensing API: validate answers/s (32 connections, " + fmt(validate[3]) + " licenses)", fmt(validate[0]), "", null);
                row("licensing API: validate p50 / p99 ms", fmt(validate[1]) + " / " + fmt(validate[2]), "p99 < 20 ms", validate[2] < 20);
                if (onPath("wrk")) {
                    Path lua = wrkValidateScript(work, jdbc);
                    wrk(connectorUrl, lua, warmup, false);
                    double[] w = wrk(connectorUrl, lua, phase, false);
                    row("wrk: licensing API validate answers/s; p50 / p99 ms (32 connections)", fmt(w[0]) + "; " + fmt(w[1]) + " / " + fmt(w[2]),
                            "p99 < 20 ms", w[2] < 20);
                }

                // End to end: orders for e2e seconds; licenses issued per second and the lag from acknowledgement.
                long connectorCpuBefore = cpuTicks(connector.toHandle());
                long postgresCpuBefore = postgresCpuTicks();
                Timestamp from = Timestamp.from(Instant.now());
                long loadCpuBefore = cpuTicks(ProcessHandle.current());
                LoadSummary orders = load(connectorUrl, "ins=1", 32, e2e);
                long loadCpuTicks = cpuTicks(ProcessHandle.current()) - loadCpuBefore;
                Timestamp to = Timestamp.from(Instant.now());
                // Licenses issued while the orders came in: what processing sustains under that ingest.
                Long issued = jdbc.queryForObject("SELECT count(*) FROM license WHERE issued_at BETWEEN ? AND ?", Long.class, from, to);
                double perSecond = issued / ((to.getTime() - from.getTime()) / 1000.0);
                Integer backlog = jdbc.queryForObject("SELECT count(*) FROM notification WHERE status IN ('RECEIVED', 'PROCESSING')",
                        Integer.class);
                row("end to end: notifications still waiting when the orders stopped", String.valueOf(backlog), "", null);
                // Lag over the orders of the window, those still waiting counted at "now" (a lower bound for them).
                Double lag = jdbc.queryForObject("""
                        SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM coalesce(l.issued_at, now()) - n.received_at))
                        FROM notification n LEFT JOIN license l ON l.order_ref = n.order_ref
                        WHERE n.channel = 'INS' AND n.received_at BETWEEN ? AND ?""", Double.class, from, to);
                row("end to end: licenses issued/s over " + e2e.toSeconds() + " s (" + fmt(orders.throughputPerSecond())
                        + " orders/s acknowledged)", fmt(perSecond), "≥ 1000", perSecond >= 1000);
                row("end to end: acknowledgement-to-license lag p99", fmt(lag == null ? 0 : lag * 1000) + " ms", "< 1 s",
                        lag != null && lag < 1);

                long pid = connector.pid();
                row("connector RSS after load", memory("/proc/" + pid + "/status", "VmRSS:") + " MB", "< 350 MB",
                        Double.parseDouble(memory("/proc/" + pid + "/status", "VmRSS:")) < 350);
                row("connector heap used after load", heap(pid), "", null);
                if (System.getProperty("bench.connector-opts", "").contains("NativeMemoryTracking")) {
                    // Where the resident memory goes, for -Dbench.connector-opts=-XX:NativeMemoryTracking=summary.
                    Files.writeString(work.resolve("connector-nmt.txt"), jcmd(pid, "VM.native_memory", "summary"));
                }

                // What an order costs, acknowledged, processed and its email sent: CPU from the start of the
                // end-to-end phase until the backlog and the outbox are worked off, per order acknowledged.
                awaitBacklog(jdbc, Duration.ofMinutes(10));
                // Processing alone: the licenses of the backlog left when the orders stopped, per second of
                // working it off (intake idle meanwhile); a figure worth reading when that backlog is large.
                Map<String, Object> drain = jdbc.queryForMap("""
                        SELECT count(*) AS issued, extract(epoch FROM max(issued_at) - ?) AS seconds FROM license WHERE issued_at > ?""",
                        to, to);
                Number drainSeconds = (Number) drain.get("seconds");
                long drained = ((Number) drain.get("issued")).longValue();
                row("processing alone: licenses/s working off the " + backlog + " notifications left when the orders stopped",
                        // A backlog of a few seconds' work or less says nothing of the pace: "-".
                        backlog < 1000 || drainSeconds == null || drainSeconds.doubleValue() <= 0 ? "-"
                                : fmt(drained / drainSeconds.doubleValue()), "", null);
                long acknowledged = orders.ok();
                double connectorMs = (cpuTicks(connector.toHandle()) - connectorCpuBefore) * 10.0 / acknowledged;
                double postgresMs = (postgresCpuTicks() - postgresCpuBefore) * 10.0 / acknowledged;
                row("end to end: CPU per order, connector / PostgreSQL (until the backlog and outbox are worked off)",
                        fmt(connectorMs) + " / " + fmt(postgresMs) + " ms", "", null);
                // The load generator runs in this JVM, on the same two cores: what it takes is not the connector's to use.
                row("end to end: CPU per call of the load generator (this JVM, while the orders came in)",
                        fmt(loadCpuTicks * 10.0 / Math.max(1, orders.sent())) + " ms", "", null);

                // Open loop: orders at a fixed rate, as 2Checkout sends them, rather than as fast as 32 connections
                // allow. The target reads "1,000 licenses/s sustained for 60 s with lag p99 < 1 s": a closed loop
                // that acknowledges faster than processing goes builds a backlog whatever the rate, so its lag
                // measures the backlog. Rising steps find the highest rate the connector keeps up with (lag p99
                // under a second); a full-length phase at that rate (or at 1,000/s, if every step passes) is
                // the figure set against the target.
                int sustained = 0;
                StringBuilder steps = new StringBuilder();
                for (int rate = OPEN_LOOP_FIRST; rate <= OPEN_LOOP_TARGET; rate += OPEN_LOOP_STEP) {
                    OpenLoop step = openLoop(jdbc, connectorUrl, rate, phase);
                    steps.append(steps.length() == 0 ? "" : "; ").append(rate).append("/s: ").append(fmt(step.lagP99Ms())).append(" (")
                            .append(fmt(step.acks().latencyMs().p99())).append(") ms");
                    if (!step.keptUp()) {
                        break;
                    }
                    sustained = rate;
                }
                row("end to end, open loop: lag p99 (acknowledgement p99) at rising rates (" + phase.toSeconds() + " s each, until the lag passes 1 s)",
                        steps.toString(), "", null);
                // The full-length phase at the highest step's rate; a rate held for a step but not for the full
                // length is reported, and the next lower step is tried.
                StringBuilder full = new StringBuilder();
                OpenLoop held = null;
                for (int rate = sustained; rate >= OPEN_LOOP_FIRST && held == null; rate -= OPEN_LOOP_STEP) {
                    OpenLoop phaseAtRate = openLoop(jdbc, connectorUrl, rate, e2e);
                    full.append(full.length() == 0 ? "" : "; ").append(rate).append("/s: ")
                            .append(fmt(phaseAtRate.licensesPerSecond())).append(" licenses/s, lag p50 / p99 ")
                            .append(fmt(phaseAtRate.lagP50Ms())).append(" / ").append(fmt(phaseAtRate.lagP99Ms()))
                            .append(" ms, acknowledgement p99 ").append(fmt(phaseAtRate.acks().latencyMs().p99())).append(" ms");
                    if (phaseAtRate.keptUp()) {
                        held = phaseAtRate;
                    } else {
                        full.append(" (not kept up)");
                    }
                }
                row("end to end, open loop for " + e2e.toSeconds() + " s at the highest step's rate, then lower until the lag p99 stays under 1 s",
                        full.length() == 0 ? "no rate from " + OPEN_LOOP_FIRST + "/s up kept the lag p99 under 1 s" : full.toString(),
                        "≥ 1000/s, lag p99 < 1 s", held != null && held.licensesPerSecond() >= 1000);

                // The same INS comparison with an independent load generator (wrk, from Debian), when installed:
                // distinct pre-signed bodies, so that neither our simulator's client nor its signing is in the figure.
                // After the end-to-end phases: its orders (a hundred thousand and more) would otherwise be in the
                // tables those phases write to.
                if (onPath("wrk")) {
                    awaitBacklog(jdbc, Duration.ofMinutes(5));
                    // Enough distinct orders for the connector's two runs at 6,000/s; the baseline takes repeats.
                    Path lua = wrkScript(work, (int) (warmup.plus(phase).toSeconds() * 6_000));
                    double[] base = wrk(baselineUrl, lua, warmup, false), conn = wrk(connectorUrl, lua, warmup, true);
                    awaitBacklog(jdbc, Duration.ofMinutes(5));
                    base = wrk(baselineUrl, lua, phase, false);
                    conn = wrk(connectorUrl, lua, phase, true);
                    // Its backlog is left: the connector is stopped next, and the rows are no other phase's.
                    row("wrk (32 connections, distinct pre-signed INS bodies): baseline / connector acknowledged/s, ratio",
                            fmt(base[0]) + " / " + fmt(conn[0]) + ", " + fmt(conn[0] / base[0]), "≥ 0.6", conn[0] / base[0] >= 0.6);
                    row("wrk: connector INS p50 / p99 ms (baseline p99)", fmt(conn[1]) + " / " + fmt(conn[2]) + " (" + fmt(base[2]) + ")",
                            "p99 ≤ 50 ms", conn[2] <= 50);
                } else {
                    row("wrk (an independent load generator): not installed (apt-get install wrk), phase skipped", "-", "", null);
                }

                // Diagnostic: intake alone. The same JAR as an instance that only acknowledges and stores
                // (processing.enabled=false), alternating with the baseline: what the acknowledgement path
                // itself costs, without the processing that shares the two cores in the phases above. Last,
                // because the rows it stores are left unprocessed.
                connector.destroy();
                connector.waitFor();
                int intakePort = freePort();
                int intakeMgmt = freePort();
                connector = startJar(work.resolve("intake-only"), List.of("-Ddb.url=" + url, "-Ddb.username=postgres",
                        "-Dprocessing.enabled=false", "-Dcamel.server.port=" + intakePort, "-Dcamel.management.port=" + intakeMgmt));
                awaitReady(intakeMgmt, connector, Duration.ofSeconds(60));
                String intakeUrl = "http://127.0.0.1:" + intakePort;
                load(intakeUrl, "ins=1", 32, warmup);
                Alternated intakePhases = alternate(baselineUrl, intakeUrl, () -> { });
                double intakeBaseTput = intakePhases.baselinePerSecond();
                double intakeTput = intakePhases.connectorPerSecond();
                row("diagnostic, intake alone (processing.enabled=false): INS acknowledged/s; ratio to the baseline alongside ("
                        + fmt(intakeBaseTput) + "/s)", fmt(intakeTput) + "; " + fmt(intakeTput / intakeBaseTput), "", null);
                row("diagnostic, intake alone: INS p50 / p99 / p99.9 ms",
                        latency(intakePhases.connector().get(intakePhases.connector().size() - 1)), "", null);
            } finally {
                connector.destroy();
                connector.waitFor();
            }
            print();
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /**
     * {@code -Dbench.open-loop-only=800,900}: the connector warmed up, then one full-length open-loop phase at
     * each rate, nothing else: for comparing settings and changes on the end-to-end target in minutes.
     */
    private void openLoopOnly(JdbcTemplate jdbc, String url, Path work, String rates) throws Exception {
        int port = freePort();
        int mgmt = freePort();
        Process connector = startJar(work.resolve("external"), List.of("-Ddb.url=" + url, "-Ddb.username=postgres",
                "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + mgmt));
        try {
            awaitReady(mgmt, connector, Duration.ofSeconds(60));
            String connectorUrl = "http://127.0.0.1:" + port;
            load(connectorUrl, "ins=1", 32, warmup);
            awaitBacklog(jdbc, Duration.ofMinutes(5));
            // The first open-loop phase after a closed-loop warm-up cost half again as much CPU per order as
            // the next ones (the JIT compiler still at work on the lot paths): one more, not reported.
            openLoop(jdbc, connectorUrl, OPEN_LOOP_FIRST * 2, warmup.multipliedBy(2));
            for (String rate : rates.split(",")) {
                long connectorCpu = cpuTicks(connector.toHandle());
                long postgresCpu = postgresCpuTicks();
                long loadCpu = cpuTicks(ProcessHandle.current());
                OpenLoop run = openLoop(jdbc, connectorUrl, Integer.parseInt(rate.trim()), e2e);
                long orders = Math.max(1, run.acks().ok());
                row("open loop at " + rate.trim() + " orders/s for " + e2e.toSeconds() + " s", fmt(run.licensesPerSecond())
                        + " licenses/s, lag p50 / p99 " + fmt(run.lagP50Ms()) + " / " + fmt(run.lagP99Ms()) + " ms, acknowledgement p99 "
                        + fmt(run.acks().latencyMs().p99()) + " ms; CPU per order, connector / PostgreSQL / load generator "
                        + fmt((cpuTicks(connector.toHandle()) - connectorCpu) * 10.0 / orders) + " / "
                        + fmt((postgresCpuTicks() - postgresCpu) * 10.0 / orders) + " / "
                        + fmt((cpuTicks(ProcessHandle.current()) - loadCpu) * 10.0 / orders) + " ms",
                        "≥ 1000/s, lag p99 < 1 s", run.keptUp() && run.licensesPerSecond() >= 1000);
            }
            print();
        } finally {
            connector.destroy();
            connector.waitFor();
        }
    }

    /**
     * {@code -Dbench.wrk-ins-only=true}: the INS comparison with wrk alone, in three alternating pairs after
     * both are warmed, each pair with the CPU per acknowledged call (connector, PostgreSQL) and the licenses
     * issued during the connector's round: for comparing settings and changes on the
     * wrk ratio in minutes. Nothing else runs; the backlog of each connector round is worked off before the
     * next baseline round.
     */
    private void wrkInsOnly(JdbcTemplate jdbc, String url, Path work) throws Exception {
        if (!onPath("wrk")) {
            throw new IllegalStateException("wrk is not installed (apt-get install wrk)");
        }
        // With -Dbench.connector-opts=-Dprocessing.enabled=false: intake alone, its rows left waiting.
        boolean processing = !System.getProperty("bench.connector-opts", "").contains("processing.enabled=false");
        // -Dbench.async-profiler=/path/libasyncProfiler.so: a CPU profile of the connector's rounds only (collapsed
        // stacks in target/bench/wrk-ins.collapsed), loaded into the running JVM between the rounds.
        String profiler = System.getProperty("bench.async-profiler", "");
        int port = freePort();
        int mgmt = freePort();
        Process connector = startJar(work.resolve("external"), List.of("-Ddb.url=" + url, "-Ddb.username=postgres",
                "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + mgmt));
        int basePort = freePort();
        // Ready first: the connector's schema migration wants an empty database, the baseline's table is its own.
        awaitReady(mgmt, connector, Duration.ofSeconds(60));
        long jvm = jvmOf(connector);
        try (BaselineServer baseline = new BaselineServer(url, basePort, DEMO.insVendorId(), DEMO.secretWord())) {
            String connectorUrl = "http://127.0.0.1:" + port;
            String baselineUrl = "http://127.0.0.1:" + basePort;
            int pairs = 3;
            Path lua = wrkScript(work, (int) (warmup.plus(phase.multipliedBy(pairs)).toSeconds() * 6_000));
            wrk(baselineUrl, lua, warmup, false);
            wrk(connectorUrl, lua, warmup, true);
            if (processing) {
                awaitBacklog(jdbc, Duration.ofMinutes(5));
            }
            for (int i = 1; i <= pairs; i++) {
                double[] base = wrk(baselineUrl, lua, phase, false);
                if (!profiler.isBlank()) {
                    agent(jvm, profiler, i == 1 ? "start,event=cpu,interval=1ms" : "resume");
                }
                long connectorCpu = treeCpuTicks(connector.toHandle());
                long postgresCpu = postgresCpuTicks();
                long sentBefore = wrkSent;
                Long processedBefore = jdbc.queryForObject("SELECT count(*) FROM license", Long.class);
                double[] conn = wrk(connectorUrl, lua, phase, true);
                long calls = Math.max(1, wrkSent - sentBefore);
                Long processed = jdbc.queryForObject("SELECT count(*) FROM license", Long.class) - processedBefore;
                String cpu = fmt((treeCpuTicks(connector.toHandle()) - connectorCpu) * 10.0 / calls) + " / "
                        + fmt((postgresCpuTicks() - postgresCpu) * 10.0 / calls);
                if (!profiler.isBlank()) {
                    agent(jvm, profiler, "stop,collapsed,file=" + work.resolve("wrk-ins.collapsed").toAbsolutePath());
                }
                if (processing) {
                    awaitBacklog(jdbc, Duration.ofMinutes(5));
                }
                row("wrk pair " + i + ": baseline / connector INS acknowledged/s, ratio; connector p99 ms; CPU per call, connector / "
                        + "PostgreSQL ms; licenses issued during the round",
                        fmt(base[0]) + " / " + fmt(conn[0]) + ", " + fmt(conn[0] / base[0]) + "; " + fmt(conn[2]) + "; " + cpu + "; "
                        + processed, "≥ 0.6; ≤ 50 ms", conn[0] / base[0] >= 0.6 && conn[2] <= 50);
            }
            print();
        } finally {
            connector.destroy();
            connector.waitFor();
        }
    }

    /**
     * {@code -Dbench.keygen-only=true}: the key generator alone, warmed until the JIT compiler settles, then
     * three rounds each of built-in codes and of codes from a pool, each with its answers/s, p50 / p99 and CPU
     * per call (connector, PostgreSQL, load generator): for comparing changes on the key generator's target
     * in minutes. {@code -Dbench.compare=DIR}: a second checkout with its own built JAR (a git worktree of
     * another commit), started beside this one on the same database, its rounds alternating with this one's.
     * {@code -Dbench.pg-statements=true}: the statements PostgreSQL ran per call in this JAR's rounds.
     * {@code -Dbench.async-profiler=LIB}: a CPU profile of this JAR's built-in rounds (target/bench/keygen.collapsed).
     */
    private void keygenOnly(JdbcTemplate jdbc, String url, Path work) throws Exception {
        String profiler = System.getProperty("bench.async-profiler", "");
        boolean statements = Boolean.getBoolean("bench.pg-statements");
        List<Path> projects = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
        if (!System.getProperty("bench.compare", "").isBlank()) {
            projects.add(Path.of(System.getProperty("bench.compare")).toAbsolutePath());
        }
        List<Process> connectors = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            // One after the other: the first migrates the schema, the next finds it migrated.
            for (int i = 0; i < projects.size(); i++) {
                int port = freePort();
                int mgmt = freePort();
                Process connector = startJar(projects.get(i), work.resolve("keygen-" + i), List.of("-Ddb.url=" + url,
                        "-Ddb.username=postgres", "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + mgmt), Map.of());
                connectors.add(connector);
                awaitReady(mgmt, connector, Duration.ofSeconds(60));
                urls.add("http://127.0.0.1:" + port);
            }
            for (int i = 0; i < projects.size(); i++) {
                double[] settled = warmUntilCompiled(urls.get(i), "keygen=1", 8, jvmOf(connectors.get(i)));
                row(projects.get(i).getFileName() + ": warm-up until the JIT compiler settled", fmt(settled[0]) + " s, "
                        + fmt(settled[1]) + " s compiling", "", null);
                awaitBacklog(jdbc, Duration.ofMinutes(5));
            }
            if (statements) {
                jdbc.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
            for (int round = 1; round <= 3; round++) {
                for (String source : List.of("builtin", "pool")) {
                    for (int i = 0; i < projects.size(); i++) {
                        Process connector = connectors.get(i);
                        boolean profiled = !profiler.isBlank() && i == 0 && source.equals("builtin");
                        if (profiled) {
                            agent(jvmOf(connector), profiler, round == 1 ? "start,event=cpu,interval=1ms" : "resume");
                        }
                        if (i == 0 && statements) {
                            jdbc.queryForList("SELECT pg_stat_statements_reset()");
                        }
                        // The calls alone: the pool's 200,000 codes are loaded before the first reading.
                        Beside[] beside = new Beside[1];
                        String at = urls.get(i);
                        java.util.concurrent.Callable<LoadSummary> measured = () -> {
                            beside[0] = Beside.now(jdbc, connector);
                            return load(at, "keygen=1", 8, phase);
                        };
                        LoadSummary calls = source.equals("pool") ? withCodePool(jdbc, measured) : measured.call();
                        String cpu = beside[0].since(jdbc, connector, calls.ok());
                        if (profiled) {
                            agent(jvmOf(connector), profiler, "stop,collapsed,file=" + work.resolve("keygen.collapsed").toAbsolutePath());
                        }
                        if (i == 0 && statements) {
                            Files.writeString(work.resolve("keygen-statements-" + source + "-" + round + ".txt"),
                                    statementsPerCall(jdbc, Math.max(1, calls.ok())));
                        }
                        row("round " + round + ", " + projects.get(i).getFileName() + ", " + source
                                + ": answers/s; p50 / p99 ms; " + Beside.WHAT,
                                fmt(calls.throughputPerSecond()) + "; " + fmt(calls.latencyMs().p50()) + " / " + fmt(calls.latencyMs().p99())
                                + "; " + cpu + (calls.failed() > 0 ? "; " + calls.failed() + " failed" : ""),
                                "p99 < 50 ms", calls.failed() == 0 && calls.latencyMs().p99() < 50);
                        awaitBacklog(jdbc, Duration.ofMinutes(5));
                    }
                }
            }
            print();
        } finally {
            for (Process connector : connectors) {
                connector.destroy();
                connector.waitFor();
            }
        }
    }

    /** The JVM of a connector started by scripts/connector.sh: the script's child on a first run, else itself. */
    private static long jvmOf(Process connector) {
        return connector.toHandle().descendants().map(ProcessHandle::pid).findFirst().orElse(connector.pid());
    }

    /** PostgreSQL's statements since the last reset, per answer (calls, milliseconds), and autovacuum's counts so far. */
    private static String statementsPerCall(JdbcTemplate jdbc, long answers) {
        StringBuilder out = new StringBuilder("calls per answer | ms per answer (exec + plan) | statement (" + answers + " answers)\n");
        for (Map<String, Object> r : jdbc.queryForList("""
                SELECT calls, total_exec_time + total_plan_time AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
                FROM pg_stat_statements ORDER BY calls DESC LIMIT 40""")) {
            out.append(fmt(((Number) r.get("calls")).doubleValue() / answers)).append(" | ")
                    .append(fmt(((Number) r.get("ms")).doubleValue() / answers)).append(" | ").append(r.get("query")).append('\n');
        }
        // Autovacuum's work so far on the tables a call writes: it shares the cores with the calls.
        for (Map<String, Object> r : jdbc.queryForList("""
                SELECT relname, autovacuum_count, autoanalyze_count, n_dead_tup FROM pg_stat_user_tables
                WHERE relname IN ('license', 'license_code_pool', 'notification', 'mail_outbox') ORDER BY relname""")) {
            out.append(r).append('\n');
        }
        return out.toString();
    }

    /**
     * What shared the two cores with a phase: the CPU of the connector, PostgreSQL and this JVM (the load
     * generator) per call, and PostgreSQL's own upkeep meanwhile (autovacuum's runs on the connector's
     * tables, checkpoints), which the earlier phases' hundreds of thousands of rows leave to do.
     */
    private record Beside(long connectorTicks, long postgresTicks, long loadTicks, long upkeep, long checkpoints) {
        static final String WHAT = "CPU per call, connector / PostgreSQL / load generator; autovacuum runs and checkpoints during it";

        static Beside now(JdbcTemplate jdbc, Process connector) {
            Map<String, Object> pg = jdbc.queryForMap("""
                    SELECT (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables) AS upkeep,
                           (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS checkpoints""");
            return new Beside(treeCpuTicks(connector.toHandle()), postgresCpuTicks(), cpuTicks(ProcessHandle.current()),
                    ((Number) pg.get("upkeep")).longValue(), ((Number) pg.get("checkpoints")).longValue());
        }

        String since(JdbcTemplate jdbc, Process connector, long calls) {
            Beside after = now(jdbc, connector);
            long n = Math.max(1, calls);
            return fmt((after.connectorTicks - connectorTicks) * 10.0 / n) + " / " + fmt((after.postgresTicks - postgresTicks) * 10.0 / n)
                    + " / " + fmt((after.loadTicks - loadTicks) * 10.0 / n) + " ms; " + (after.upkeep - upkeep) + " autovacuum runs, "
                    + (after.checkpoints - checkpoints) + " checkpoints";
        }
    }

    /** One open-loop end-to-end phase: INS orders at a fixed rate, then the licenses and lag of those orders. */
    private record OpenLoop(LoadSummary acks, long licensed, double licensesPerSecond, double lagP50Ms, double lagP99Ms) {
        /** Processing kept up: every call acknowledged, every order licensed (one line each), and the lag p99 under a second. */
        boolean keptUp() {
            return acks.failed() == 0 && licensed >= acks.ok() && lagP99Ms < 1000;
        }
    }

    private OpenLoop openLoop(JdbcTemplate jdbc, String connectorUrl, int rate, Duration length) throws InterruptedException {
        Timestamp from = Timestamp.from(Instant.now());
        // Enough connections that the rate, not the connection count, sets the pace (a call waiting for one counts).
        LoadSummary acks = new LoadRunner(new ConnectorClient(connectorUrl, Duration.ofSeconds(10)), DEMO,
                new PrintStream(java.io.OutputStream.nullOutputStream()))
                .run(new LoadRunner.Options("ins=1", 64, rate, null, length, PRODUCTS, Duration.ofSeconds(10)));
        Timestamp to = Timestamp.from(Instant.now());
        // Worked off before the figures are read: the lag of every order of the phase, none estimated.
        awaitBacklog(jdbc, Duration.ofMinutes(5));
        Map<String, Object> lag = jdbc.queryForMap("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.issued_at - n.received_at)) AS p50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM l.issued_at - n.received_at)) AS p99
                FROM notification n JOIN license l ON l.order_ref = n.order_ref
                WHERE n.channel = 'INS' AND n.received_at BETWEEN ? AND ?""", from, to);
        // The licenses of the phase's orders over the phase's length: with the lag p99 under a second,
        // every order of a 1,000/s phase licensed reads 1,000 licenses/s. (Counting the licenses issued
        // until the last call returned, as before round 12, read below the rate by the orders still in
        // processing then: 1,000/s could never read 1,000.)
        Long issued = jdbc.queryForObject("""
                SELECT count(*) FROM notification n JOIN license l ON l.order_ref = n.order_ref
                WHERE n.channel = 'INS' AND n.received_at BETWEEN ? AND ?""", Long.class, from, to);
        return new OpenLoop(acks, issued, issued / (double) length.toSeconds(), seconds(lag.get("p50")) * 1000, seconds(lag.get("p99")) * 1000);
    }

    private static double seconds(Object value) {
        return value == null ? Double.POSITIVE_INFINITY : ((Number) value).doubleValue();
    }

    /** INS phases of the baseline and of a connector, alternating; the ratios compare their averages. */
    private record Alternated(List<LoadSummary> baseline, List<LoadSummary> connector) {
        double baselinePerSecond() {
            return baseline.stream().mapToDouble(LoadSummary::throughputPerSecond).average().orElse(0);
        }

        double connectorPerSecond() {
            return connector.stream().mapToDouble(LoadSummary::throughputPerSecond).average().orElse(0);
        }
    }

    /** Something to wait for after each connector phase (its backlog worked off), so that it takes nothing from the next. */
    private interface Settle {
        void await() throws InterruptedException;
    }

    private Alternated alternate(String baselineUrl, String connectorUrl, Settle afterConnector) throws InterruptedException {
        Alternated phases = new Alternated(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < 2; round++) {
            phases.baseline().add(load(baselineUrl, "ins=1", 32, phase));
            phases.connector().add(load(connectorUrl, "ins=1", 32, phase));
            afterConnector.await();
        }
        return phases;
    }

    /** Runs the phase with the demo vendor's connectors drawing codes from a pool (200,000 loaded), then back to built-in. */
    private static LoadSummary withCodePool(JdbcTemplate jdbc, java.util.concurrent.Callable<LoadSummary> phase) throws Exception {
        jdbc.update("""
                INSERT INTO license_code_pool (connector_id, code)
                SELECT c.id, 'BENCH-' || c.id || '-' || n FROM connector c JOIN vendor v ON v.id = c.vendor_id,
                     generate_series(1, 200000) n
                WHERE v.merchant_code = ? ON CONFLICT (code) DO NOTHING""", DEMO.merchantCode());
        // A pool in service was loaded long before: autovacuum has long digested the load, which it would
        // otherwise do during the phase (a vacuum and an analysis of the 400,000 rows, on the same cores).
        jdbc.execute("VACUUM ANALYZE license_code_pool");
        jdbc.update("UPDATE connector SET code_source = 'pool' WHERE vendor_id = (SELECT id FROM vendor WHERE merchant_code = ?)",
                DEMO.merchantCode());
        try {
            return phase.call();
        } finally {
            jdbc.update("UPDATE connector SET code_source = 'builtin' WHERE vendor_id = (SELECT id FROM vendor WHERE merchant_code = ?)",
                    DEMO.merchantCode());
        }
    }

    private LoadSummary load(String url, String mix, int concurrency, Duration duration) throws InterruptedException {
        return new LoadRunner(new ConnectorClient(url, Duration.ofSeconds(10)), DEMO, new PrintStream(java.io.OutputStream.nullOutputStream()))
                .run(new LoadRunner.Options(mix, concurrency, null, null, duration, PRODUCTS, Duration.ofSeconds(10)));
    }

    /**
     * Starts the JAR on its own embedded PostgreSQL four times: the first initialises the database (and, unless
     * the environment turns it off, writes the launcher's class-data-sharing archive when it stops), the
     * median of the other three is the figure (single starts on this shared machine vary by half a second).
     */
    private double readyTime(Path work, Map<String, String> environment) throws Exception {
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int mgmt = freePort();
            long start = System.nanoTime();
            Process p = startJar(work.resolve("embedded"), List.of("-Dcamel.server.port=" + freePort(), "-Dcamel.management.port=" + mgmt),
                    environment);
            awaitReady(mgmt, p, Duration.ofSeconds(90));
            double seconds = (System.nanoTime() - start) / 1e9;
            p.destroy();
            p.waitFor();
            if (i > 0) {
                starts.add(seconds);
            }
        }
        java.util.Collections.sort(starts);
        return starts.get(starts.size() / 2);
    }

    private Process startJar(Path dataDir, List<String> props) throws Exception {
        return startJar(dataDir, props, Map.of());
    }

    private Process startJar(Path dataDir, List<String> props, Map<String, String> environment) throws Exception {
        return startJar(Path.of("").toAbsolutePath(), dataDir, props, environment);
    }

    /** Started from a project folder: its scripts/connector.sh, its JAR, its routes/ and config/. */
    private Process startJar(Path project, Path dataDir, List<String> props, Map<String, String> environment) throws Exception {
        Files.createDirectories(dataDir);
        // Started as the README starts it: scripts/connector.sh, with its JVM settings; what the benchmark
        // adds (ports, data folder, settings to compare) goes to the JVM through JAVA_TOOL_OPTIONS.
        List<String> cmd = new ArrayList<>(List.of("-Dconnector.data-dir=" + dataDir.toAbsolutePath()));
        cmd.addAll(props);
        // -Dbench.connector-opts="-Dprocessing.workers=16 ...": settings to compare, passed to the connector's JVM.
        for (String opt : System.getProperty("bench.connector-opts", "").trim().split("\\s+")) {
            if (!opt.isBlank()) {
                cmd.add(opt);
            }
        }
        // From the project folder, as the README runs it: routes/ and config/ of the repository.
        ProcessBuilder pb = new ProcessBuilder("sh", project.resolve("scripts").resolve("connector.sh").toString())
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(dataDir.resolve("connector.log").toFile());
        pb.environment().putAll(environment);
        if (!System.getProperty("bench.jfr", "").isBlank()) {
            // -Dbench.jfr=FILE: a flight recording of the connector (profile settings), for finding hot spots.
            // scripts/connector.sh sees it and runs without the class-data-sharing archive (JDK 17 crashes with both).
            cmd.add("-XX:StartFlightRecording=filename=" + Path.of(System.getProperty("bench.jfr")).toAbsolutePath() + ",settings=profile");
        }
        pb.environment().put("JAVA_TOOL_OPTIONS", String.join(" ", cmd));
        return pb.start();
    }

    private void awaitReady(int mgmtPort, Process p, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the connector exited; see target/bench/*/connector.log");
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmtPort + "/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(20); // the start-up time is the measurement: poll often
        }
        throw new IllegalStateException("the connector was not ready within " + timeout.toSeconds() + " s");
    }

    /**
     * Rounds of calls until a round costs the JIT compiler under a second (at most 18 rounds): the
     * seconds of calls, and of compiling in them.
     */
    private double[] warmUntilCompiled(String url, String mix, int concurrency, long pid) throws Exception {
        double start = compileSeconds(pid);
        double before = start;
        int rounds = 0;
        while (rounds < 18) {
            load(url, mix, concurrency, settleRound);
            rounds++;
            double now = compileSeconds(pid);
            boolean settled = now - before < 1.0;
            before = now;
            if (settled) {
                break;
            }
        }
        return new double[] {rounds * settleRound.toSeconds(), before - start};
    }

    /** The JIT compiler's time so far in a JVM, from its performance counters. */
    private static double compileSeconds(long pid) throws Exception {
        String counters = jcmd(pid, "PerfCounter.print");
        java.util.regex.Matcher ticks = java.util.regex.Pattern.compile("java\\.ci\\.totalTime=(\\d+)").matcher(counters);
        java.util.regex.Matcher frequency = java.util.regex.Pattern.compile("sun\\.os\\.hrt\\.frequency=(\\d+)").matcher(counters);
        if (!ticks.find() || !frequency.find()) {
            throw new IllegalStateException("no compiler time in the performance counters of " + pid);
        }
        return Long.parseLong(ticks.group(1)) / (double) Long.parseLong(frequency.group(1));
    }

    /** Waits until every stored notification is processed and its email sent (the next phase starts idle). */
    private static void awaitBacklog(JdbcTemplate jdbc, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            // Emails still in the outbox count too: sending them takes CPU from whatever runs next.
            Integer open = jdbc.queryForObject("""
                    SELECT (SELECT count(*) FROM notification WHERE status IN ('RECEIVED', 'PROCESSING'))
                         + (SELECT count(*) FROM mail_outbox WHERE status = 'PENDING')""", Integer.class);
            if (open != null && open == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the connector did not work off its backlog within " + timeout.toMinutes() + " min");
    }

    /** User and system CPU of a process (and its waited-for children), in clock ticks of 10 ms (Linux). */
    private static long cpuTicks(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime), counted from field 3 here.
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (Exception e) {
            return 0; // gone, or not Linux
        }
    }

    /** A process's CPU with its live children's: scripts/connector.sh's first start runs the JVM as its child. */
    private static long treeCpuTicks(ProcessHandle process) {
        return cpuTicks(process) + process.descendants().mapToLong(Benchmark::cpuTicks).sum();
    }

    /** CPU of every PostgreSQL process on the machine: the benchmark's server and its backends. */
    private static long postgresCpuTicks() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .mapToLong(Benchmark::cpuTicks).sum();
    }

    private static String memory(String file, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of(file))) {
            if (line.startsWith(key)) {
                long kb = Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                return fmt(kb / 1024.0);
            }
        }
        return "?";
    }

    /** Loads a native agent into a running JVM with these options (async-profiler takes its commands so). */
    private static void agent(long pid, String library, String options) throws Exception {
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(String.valueOf(pid));
        try {
            vm.loadAgentPath(library, options);
        } finally {
            vm.detach();
        }
    }

    private static String jcmd(long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        cmd.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return out;
    }

    private static String heap(long pid) throws Exception {
        String out = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
        long used = 0;
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        return fmt(used / 1024.0) + " MB used of " + fmt(total / 1024.0) + " MB";
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /**
     * A wrk script that posts distinct signed INS orders of the demo vendor, each thread its own share of
     * them (pre-signed here, one per line of a file the script reads), starting past those sent before.
     */
    /** A wrk script that validates the licenses the validate phase activated, round robin. */
    private Path wrkValidateScript(Path work, JdbcTemplate jdbc) throws Exception {
        Path codes = work.resolve("wrk-validate-codes.txt");
        Files.write(codes, jdbc.queryForList("""
                SELECT l.code FROM license l JOIN license_activation a ON a.license_id = l.id
                WHERE a.fingerprint = 'bench-machine-0001' AND a.released_at IS NULL""", String.class));
        Path lua = work.resolve("wrk-validate.lua");
        Files.writeString(lua, """
                local codes = {}
                for line in io.lines("%s") do codes[#codes + 1] = line end
                local i = 0
                function request()
                  i = i + 1
                  local body = '{"code":"' .. codes[(i %% #codes) + 1] .. '","fingerprint":"bench-machine-0001"}'
                  return wrk.format("POST", "/v1/licenses/validate", {["Content-Type"] = "application/json"}, body)
                end
                """.formatted(codes.toAbsolutePath()));
        return lua;
    }

    private Path wrkScript(Path work, int count) throws Exception {
        Path bodies = work.resolve("wrk-ins-bodies.txt");
        wrkBodies = count;
        io.github.twocheckout.connector.simulator.Calls calls = new io.github.twocheckout.connector.simulator.Calls(DEMO);
        // One order per body: an order created twice would be a repeat to the connector, not a new order.
        try (java.io.BufferedWriter out = Files.newBufferedWriter(bodies)) {
            for (int i = 0; i < count; i++) {
                io.github.twocheckout.connector.simulator.SimOrder order = new io.github.twocheckout.connector.simulator.SimOrder(
                        io.github.twocheckout.connector.simulator.Scenario.freshRef(), List.of(PRODUCTS.get(i % PRODUCTS.size())),
                        io.github.twocheckout.connector.simulator.SimCustomer.sample(), "EUR", Instant.now(), false);
                out.write(calls.ins(order, "ORDER_CREATED", Instant.now(),
                        new io.github.twocheckout.connector.simulator.Calls.InsOptions("pass", null, null, null)).body());
                out.newLine();
            }
        }
        Path lua = work.resolve("wrk-ins.lua");
        Files.writeString(lua, """
                -- Thread k of n takes lines k, k+n, k+2n, ... of the file (its own share, loaded in its own state),
                -- starting at entry WRK_OFFSET + 1 of that share.
                local threads, counter = {}, 0
                function setup(thread)
                  counter = counter + 1
                  thread:set("id", counter)
                  table.insert(threads, thread)
                end
                function init(args)
                  local step = tonumber(os.getenv("WRK_THREADS") or "2")
                  bodies = {}
                  local line_no = 0
                  for line in io.lines("%s") do
                    line_no = line_no + 1
                    if (line_no - id) %% step == 0 then bodies[#bodies + 1] = line end
                  end
                  taken = tonumber(os.getenv("WRK_OFFSET") or "0")
                end
                function request()
                  local body = bodies[(taken %% #bodies) + 1]
                  taken = taken + 1
                  return wrk.format("POST", "/2co/ins", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
                end
                -- Where the next run starts: past the last body any thread took (the threads send unequal shares).
                function done(summary, latency, requests)
                  local last = 0
                  for _, thread in ipairs(threads) do
                    local n = thread:get("taken")
                    if n ~= nil and n > last then last = n end
                  end
                  io.write("next offset: " .. last .. "\\n")
                end
                """.formatted(bodies.toAbsolutePath()));
        return lua;
    }

    private int wrkSent;
    private long wrkNextOffset;
    private long wrkBodies;

    /**
     * One wrk run: requests/s, p50 and p99 in ms. A run with distinct bodies starts past those the distinct
     * runs before it sent; the baseline (no unique key) starts at the first.
     */
    /**
     * Activates up to 2,000 licenses of the earlier phases on one machine each, then validates them round
     * robin from 32 connections (a warm-up, then the phase): answers/s, p50 and p99 ms, and the number of
     * licenses. Spread so that no code meets the throttle's calls per code and minute.
     */
    private double[] validations(String url, JdbcTemplate jdbc) throws Exception {
        List<String> codes = jdbc.queryForList("SELECT code FROM license WHERE status = 'ACTIVE' ORDER BY id DESC LIMIT 2000", String.class);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        java.util.function.BiFunction<String, String, HttpRequest> request = (action, code) -> HttpRequest
                .newBuilder(URI.create(url + "/v1/licenses/" + action)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\",\"fingerprint\":\"bench-machine-0001\"}")).build();
        for (String code : codes) {
            int status = client.send(request.apply("activate", code), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new IllegalStateException("activating " + code + " answered " + status);
            }
        }
        double[] result = null;
        // Warmed three times as long as the other channels: its code (JSON, Ed25519 signatures, documents)
        // is its own, and on two saturated cores the JIT compiler needs 30-40 s of validations to reach the
        // steady pace (docs/benchmarks.md).
        for (Duration length : List.of(warmup.multipliedBy(3), phase)) {
            org.HdrHistogram.ConcurrentHistogram latency = new org.HdrHistogram.ConcurrentHistogram(3);
            java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
            long end = System.nanoTime() + length.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        String code = codes.get((int) (next.getAndIncrement() % codes.size()));
                        long start = System.nanoTime();
                        try {
                            if (client.send(request.apply("validate", code), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                        latency.recordValue((System.nanoTime() - start) / 1000);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " validations were not answered 200");
            }
            result = new double[] {latency.getTotalCount() / (double) length.toSeconds(), latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, codes.size()};
        }
        return result;
    }

    private double[] wrk(String url, Path lua, Duration length, boolean distinct) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c32", "-d" + length.toSeconds() + "s", "--latency", "-s", lua.toString(), url)
                .redirectErrorStream(true);
        pb.environment().put("WRK_THREADS", "2");
        pb.environment().put("WRK_OFFSET", String.valueOf(distinct ? wrkNextOffset : 0));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher rps = java.util.regex.Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        java.util.regex.Matcher total = java.util.regex.Pattern.compile("(\\d+) requests in").matcher(out);
        java.util.regex.Matcher errors = java.util.regex.Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        if (!rps.find() || !total.find()) {
            throw new IllegalStateException("wrk said: " + out);
        }
        if (errors.find()) {
            throw new IllegalStateException("wrk: " + errors.group(1) + " calls not acknowledged (2xx): " + out);
        }
        if (distinct) {
            wrkSent += Integer.parseInt(total.group(1));
            java.util.regex.Matcher next = java.util.regex.Pattern.compile("next offset: (\\d+)").matcher(out);
            if (!next.find()) {
                throw new IllegalStateException("wrk's script did not say where the next run starts: " + out);
            }
            // Each run's bodies are new: a repeat is a duplicate to the connector, counted on the original row.
            wrkNextOffset = Long.parseLong(next.group(1));
            if (wrkNextOffset > wrkBodies / 2) {
                throw new IllegalStateException("wrk ran out of distinct INS bodies (" + wrkBodies + "): make more");
            }
        }
        return new double[] {Double.parseDouble(rps.group(1)), percentileMs(out, "50%"), percentileMs(out, "99%")};
    }

    private static double percentileMs(String wrkOutput, String percentile) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s" + java.util.regex.Pattern.quote(percentile)
                + "\\s+([\\d.]+)(us|ms|s)").matcher(wrkOutput);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static String latency(LoadSummary s) {
        return fmt(s.latencyMs().p50()) + " / " + fmt(s.latencyMs().p99()) + " / " + fmt(s.latencyMs().p999());
    }

    private void row(String what, String value, String target, Boolean met) {
        rows.add(new String[] {what, value, target, met == null ? "" : met ? "met" : "NOT met"});
        System.out.println(what + ": " + value + (target.isEmpty() ? "" : "  (target " + target + ": " + (Boolean.TRUE.equals(met) ? "met" : "NOT met") + ")"));
    }

    private void print() throws Exception {
        StringBuilder t = new StringBuilder("| measure | value | target | |\n|---|---|---|---|\n");
        for (String[] r : rows) {
            t.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        String header = "Benchmark " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + (quick ? " (quick run)" : "") + "\n\n";
        System.out.println();
        System.out.println(header + t);
        Files.writeString(Path.of("target/benchmark.md"), header + t, StandardCharsets.UTF_8);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
