package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.storage.EmbeddedDatabase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.LaunchedConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's {@code camel run} command runs the repository's routes/ and config/ on Camel JBang and a
 * signed INS order becomes a license. Camel JBang 4.18 is not on Maven Central as reached from here,
 * so this runs Camel JBang 4.17.0: jbang-cli from Maven Central (src/test/jbang/pom.xml), a stand-in for
 * the {@code camel} command (src/test/jbang/camel, the official jbang script's protocol) and the
 * CamelJBang.java script. Only 127.0.0.1 is talked to, apart from Maven Central for dependencies.
 */
class CamelJBangIT {

    private static final Path BASE = Path.of("").toAbsolutePath();
    private static final Path WORK = BASE.resolve("target/jbang");
    private static final String DEMO_VENDOR_ID = "901234567";
    private static final String DEMO_SECRET_WORD = "s3cr3tWord";

    @Test
    void theReadmeCommandRunsTheConnectorAndASignedInsOrderBecomesALicense() throws Exception {
        Path lib = jbangLib();
        Path classesJar = Path.of(System.getProperty("connector.classes-jar", "target/twocheckout-license-connector-classes.jar"));
        assertThat(classesJar).as("run `mvn package` first: camel run loads the connector's classes from it").exists();

        int port = SharedInfrastructure.freePort();
        // Camel 4.17's platform-http consumer finds its server only when it is the single one, or on 8080 (two
        // Vert.x servers make it fall back to 8080; fixed in 4.18): the management endpoints share the port here.
        int managementPort = port;
        int postgresPort = SharedInfrastructure.freePort();
        Path data = WORK.resolve("data");
        LaunchedConnector.deleteRecursively(data);
        // What a test changes in the README's command: local ports (both ways, as the README says), the data
        // folder, the profile and its secrets.
        List<String> overrides = List.of("--port=" + port, "--management-port=" + managementPort,
                "--prop=camel.main.profile=test",
                "--prop=camel.server.host=127.0.0.1", "--prop=camel.server.port=" + port,
                "--prop=camel.management.host=127.0.0.1", "--prop=camel.management.port=" + managementPort,
                "--prop=connector.data-dir=" + BASE.relativize(data), "--prop=db.embedded-port=" + postgresPort,
                "--prop=panel.admin.password=camel-run-admin-password", "--prop=api.token=camel-run-api-token");
        String command = "exec " + readmeCommand() + " " + String.join(" ", overrides);

        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(BASE.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", BASE.resolve("src/test/jbang") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JBANG_LIB", lib.toString());
        env.put("JBANG_DIR", WORK.resolve("jbang-home").toString());
        env.put("JBANG_NO_VERSION_CHECK", "true");
        env.put("JBANG_REPO", localRepository().toString());

        try (LaunchedConnector camel = LaunchedConnector.start(pb, WORK.resolve("camel-run.log"), data)) {
            // The first run downloads Camel 4.17 and the connector's libraries from Maven Central.
            camel.awaitHealthy("http://127.0.0.1:" + managementPort + "/observe/health", Duration.ofMinutes(5));
            assertThat(camel.output()).contains("Apache Camel (JBang) 4.17.0");

            InsPost order = InsPost.vendor("ORDER_CREATED", DEMO_VENDOR_ID, DEMO_SECRET_WORD).item("DEMO-PRO", "Demo App Pro");
            HttpResponse<String> answer = camel.postForm("http://127.0.0.1:" + port + "/2co/ins", order.body());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("OK");

            String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> licenseCodes(jdbcUrl, order.saleId()).size() == 1);
            String code = licenseCodes(jdbcUrl, order.saleId()).get(0);
            // The same PostgreSQL major version as the JAR's: the two may run on the same ./data folder.
            assertThat(serverMajor(jdbcUrl)).isEqualTo(Integer.parseInt(EmbeddedDatabase.EMBEDDED_MAJOR));
            assertThat(code).startsWith("DEMO-");
            HttpResponse<String> licenses = camel.get("http://127.0.0.1:" + port + "/api/licenses?order=" + order.saleId(), "camel-run-api-token");
            assertThat(licenses.statusCode()).isEqualTo(200);
            assertThat(licenses.body()).contains(code);
        }
    }

    /** The README's {@code camel run ...} command, continuation lines joined. */
    static String readmeCommand() throws Exception {
        String readme = Files.readString(BASE.resolve("README.md"));
        Matcher m = Pattern.compile("(?m)^camel run (?:[^\\n]*\\\\\\n)*[^\\n]*$").matcher(readme);
        assertThat(m.find()).as("README has a `camel run` command").isTrue();
        return m.group().replaceAll("\\\\\\n\\s*", " ").trim();
    }

    private static int serverMajor(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> licenseCodes(String jdbcUrl, String orderRef) throws Exception {
        List<String> codes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT code FROM license WHERE order_ref = ?")) {
            s.setString(1, orderRef);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    codes.add(rs.getString(1));
                }
            }
        }
        return codes;
    }

    private static Path localRepository() {
        String repo = System.getProperty("maven.repo.local");
        return repo != null && !repo.isBlank() ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** jbang-cli and its dependencies from Maven Central, copied once into target/jbang/lib by the same Maven. */
    private static Path jbangLib() throws Exception {
        Path lib = WORK.resolve("lib");
        if (hasJbang(lib)) {
            return lib;
        }
        String mavenHome = System.getProperty("maven.home");
        String mvn = mavenHome != null && Files.isExecutable(Path.of(mavenHome, "bin", "mvn")) ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn";
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "-f", BASE.resolve("src/test/jbang/pom.xml").toString(),
                "dependency:copy-dependencies", "-DoutputDirectory=" + lib, "-Dmaven.repo.local=" + localRepository()));
        Path log = WORK.resolve("jbang-resolve.log");
        Files.createDirectories(WORK);
        Process p = new ProcessBuilder(cmd).directory(BASE.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("fetching jbang-cli took over 5 minutes; see " + log);
        }
        assertThat(p.exitValue()).as("fetching jbang-cli with %s failed:\n%s", cmd, Files.readString(log)).isZero();
        assertThat(hasJbang(lib)).as("jbang-cli in " + lib).isTrue();
        return lib;
    }

    private static boolean hasJbang(Path lib) throws Exception {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("jbang-cli-"));
        }
    }
}
