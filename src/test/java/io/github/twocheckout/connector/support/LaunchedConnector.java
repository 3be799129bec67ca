package io.github.twocheckout.connector.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A connector started as a process by a test (the JAR with {@code java -jar}, or {@code camel run}),
 * its output in a log file, talked to on 127.0.0.1 only. Closing it stops it with SIGTERM (the
 * connector's own shutdown, which stops its embedded PostgreSQL), forcibly after a grace period, and
 * then stops an embedded PostgreSQL left running on its data directory.
 */
public final class LaunchedConnector implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final Path dataDir;

    private final Thread stopOnExit;

    private LaunchedConnector(Process process, Path log, Path dataDir) {
        this.process = process;
        this.log = log;
        this.dataDir = dataDir;
        // Should the test JVM end without closing this (a timeout, Ctrl-C), the connector goes with it.
        this.stopOnExit = new Thread(process::destroy, "stop " + log.getFileName());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts the command with stdout and stderr going to {@code log}; {@code dataDir} is connector.data-dir. */
    public static LaunchedConnector start(ProcessBuilder command, Path log, Path dataDir) throws IOException {
        Files.createDirectories(log.getParent());
        Process p = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new LaunchedConnector(p, log, dataDir);
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until GET url answers 200 (the management port's /observe/health), failing early if the process ends. */
    public void awaitHealthy(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the connector exited with " + process.exitValue() + " before it was ready; "
                        + log + " ends with:\n" + tail(60));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250); // polling a process that is starting up
        }
        throw new AssertionError("the connector was not ready within " + timeout.toSeconds() + " s; " + log + " ends with:\n" + tail(60));
    }

    public HttpResponse<String> postForm(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String url, String bearerToken) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + bearerToken).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Everything the process printed so far. */
    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    public String tail(int lines) throws IOException {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook does it
        }
        List<ProcessHandle> children = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (ProcessHandle child : children) {
            child.destroy();
        }
        stopOrphanedPostgres();
    }

    /** zonky's PostgreSQL runs detached from the JVM: after a forced stop it would outlive the test. */
    private void stopOrphanedPostgres() throws Exception {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try (Stream<String> lines = Files.lines(pidFile)) {
            pid = Long.parseLong(lines.findFirst().orElse("0").trim());
        } catch (NumberFormatException | IOException e) {
            return;
        }
        ProcessHandle postgres = ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").contains("postgres")).orElse(null);
        if (postgres != null && postgres.destroy()) {
            postgres.onExit().get(20, TimeUnit.SECONDS);
        }
    }

    /** Deletes a folder the test recreates (its data or work directory under target/). */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
