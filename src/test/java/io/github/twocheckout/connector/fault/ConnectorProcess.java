package io.github.twocheckout.connector.fault;

import io.github.twocheckout.connector.ConnectorMain;

import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector as its own process (ConnectorMain in a separate JVM, the repository's routes/ and
 * config/, the test profile), so that a test can kill it with SIGKILL and start it again, or run two
 * of them on one database. Output goes to target/fault-logs.
 */
public final class ConnectorProcess implements AutoCloseable {

    private final String name;
    private final Map<String, String> properties;
    private final int port;
    private final int managementPort;
    private Process process;
    private int starts;

    private ConnectorProcess(String name, Map<String, String> properties, int port, int managementPort) {
        this.name = name;
        this.properties = properties;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts a connector on the given database and waits until it is ready. */
    public static ConnectorProcess start(String name, String jdbcUrl, Map<String, String> extra) throws Exception {
        int port = SharedInfrastructure.freePort();
        int managementPort = SharedInfrastructure.freePort();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.main.profile", "test");
        p.put("camel.server.port", String.valueOf(port));
        p.put("camel.management.port", String.valueOf(managementPort));
        p.put("db.url", jdbcUrl);
        p.put("db.username", "postgres");
        p.put("connector.data-dir", "target/fault-data/" + name);
        p.put("connector.config-file", "src/test/resources/connectors-test.yaml");
        p.put("mail.smtp.url", "smtp://127.0.0.1:" + SharedInfrastructure.greenMail().getSmtp().getPort());
        p.put("mail.support-address", "support@operator.test");
        p.put("api.token", RunningConnector.API_TOKEN);
        p.put("panel.admin.password", RunningConnector.ADMIN_PASSWORD);
        p.putAll(extra);
        ConnectorProcess c = new ConnectorProcess(name, p, port, managementPort);
        c.launch();
        return c;
    }

    private void launch() throws Exception {
        starts++;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // The collector scripts/connector.sh runs it with; C1 alone, since these processes live seconds and
        // are started several times a test: their start-up, not their peak speed, is the suite's time.
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("io.github.twocheckout.connector.ConnectorMain");
        Path logs = Path.of("target/fault-logs");
        Files.createDirectories(logs);
        File log = logs.resolve(name + "-" + starts + ".log").toFile();
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        awaitReady(Duration.ofSeconds(90));
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("connector " + name + " exited with " + process.exitValue() + "; see target/fault-logs");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/observe/health"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200); // polling a process that is starting up
        }
        throw new IllegalStateException("connector " + name + " not ready within " + timeout.toSeconds() + " s");
    }

    /** SIGKILL: no shutdown hook, nothing flushed, work in flight lost. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts it again with the same settings and ports. */
    public void restart() throws Exception {
        launch();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
