package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ClassHookAgent;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.LaunchedConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The built JAR, started with {@code java -jar} outside the project folder, uses an external routes/
 * folder edited with the README's custom step, without a rebuild: as the README shows (routes/ and
 * config/ copied out of the JAR into the folder it starts from), with CONNECTOR_ROUTES_DIR and the
 * configuration packed in the JAR, and with both folders named by the environment; and with neither
 * folder anywhere, all from the JAR.
 */
class StandaloneJarIT {

    private static final Path WORK = Path.of("target/standalone-it").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("connector.jar", "target/twocheckout-license-connector.jar")).toAbsolutePath();

    @Test
    void aFolderCopiedOutOfTheJarWithACustomStepReplacesThePackedRoutesAndConfig() throws Exception {
        Path folder = WORK.resolve("my-connector");
        LaunchedConnector.deleteRecursively(folder);
        extractRoutesAndConfig(folder);
        addTheReadmeCustomStep(folder.resolve("routes/ins.camel.yaml"));
        // The folder's configuration is the one used: its own API token.
        Path properties = folder.resolve("config/application.properties");
        Files.writeString(properties, Files.readString(properties).replace("api.token = demo-api-token", "api.token = my-own-token"));

        runAndPostAnInsOrder(folder, Map.of(), "my-own-token", true);
    }

    @Test
    void routesNamedByConnectorRoutesDirAreUsedFromAnyFolder() throws Exception {
        Path elsewhere = WORK.resolve("elsewhere");
        Path copy = WORK.resolve("copy");
        LaunchedConnector.deleteRecursively(elsewhere);
        LaunchedConnector.deleteRecursively(copy);
        Files.createDirectories(elsewhere);
        extractRoutesAndConfig(copy);
        addTheReadmeCustomStep(copy.resolve("routes/ins.camel.yaml"));

        // No routes/ or config/ where it starts: routes from the named folder, configuration from the JAR.
        runAndPostAnInsOrder(elsewhere, Map.of("CONNECTOR_ROUTES_DIR", copy.resolve("routes").toString()), "demo-api-token", true);
    }

    @Test
    void routesAndConfigNamedByTheEnvironmentAreUsedFromAnyFolder() throws Exception {
        Path elsewhere = WORK.resolve("elsewhere-both");
        Path copy = WORK.resolve("copy-both");
        LaunchedConnector.deleteRecursively(elsewhere);
        LaunchedConnector.deleteRecursively(copy);
        Files.createDirectories(elsewhere);
        extractRoutesAndConfig(copy);
        addTheReadmeCustomStep(copy.resolve("routes/ins.camel.yaml"));
        Path properties = copy.resolve("config/application.properties");
        Files.writeString(properties, Files.readString(properties).replace("api.token = demo-api-token", "api.token = my-own-token"));

        // connectors.yaml (the demo vendor the order needs) is found in that folder too, not in ./config.
        runAndPostAnInsOrder(elsewhere, Map.of("CONNECTOR_ROUTES_DIR", copy.resolve("routes").toString(),
                "CONNECTOR_CONFIG_DIR", copy.resolve("config").toString()), "my-own-token", true);
    }

    @Test
    void withNoFoldersAtAllEverythingComesFromTheJar() throws Exception {
        Path empty = WORK.resolve("empty");
        LaunchedConnector.deleteRecursively(empty);
        Files.createDirectories(empty);
        runAndPostAnInsOrder(empty, Map.of(), "demo-api-token", false);
    }

    /**
     * A second start in the same folder is refused at once, in one line naming the running process, and
     * leaves the first connector and its database alone. --help and --version answer without starting.
     */
    @Test
    void aSecondStartInTheSameFolderIsRefusedAndTheFirstRunsOn() throws Exception {
        Path folder = WORK.resolve("twice");
        LaunchedConnector.deleteRecursively(folder);
        Files.createDirectories(folder);
        int port = SharedInfrastructure.freePort();
        int managementPort = SharedInfrastructure.freePort();
        try (LaunchedConnector first = LaunchedConnector.start(jar(folder, port, managementPort), folder.resolve("first.log"),
                folder.resolve("data"))) {
            first.awaitHealthy("http://127.0.0.1:" + managementPort + "/observe/health", Duration.ofSeconds(120));

            ProcessBuilder second = jar(folder, SharedInfrastructure.freePort(), SharedInfrastructure.freePort());
            second.redirectErrorStream(true);
            Process p = second.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isEqualTo(1);
            assertThat(out).contains("Not started: another connector is running on the data folder", "pid " + first.pid());
            assertThat(out.lines().filter(l -> l.contains("Not started")).count()).isEqualTo(1);

            // The first one still stores and licenses: its database was left alone.
            InsPost order = InsPost.vendor("ORDER_CREATED", "901234567", "s3cr3tWord").item("DEMO-PRO", "Demo App Pro");
            assertThat(first.postForm("http://127.0.0.1:" + port + "/2co/ins", order.body()).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> first
                    .get("http://127.0.0.1:" + port + "/api/licenses?order=" + order.saleId(), "demo-api-token").body()
                    .contains("\"code\":\"DEMO-"));
        }
        for (String flag : List.of("--help", "--version")) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString(), flag));
            Process p = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(out).startsWith("2Checkout license connector 0.").doesNotContain("Apache Camel", "Exception");
            if (flag.equals("--help")) {
                assertThat(out).contains("simulate", "--version", "/panel/");
            }
        }
        // The README's run command: scripts/connector.sh starts the JAR with the benchmark's JVM settings.
        Process script = new ProcessBuilder("sh", Path.of("scripts", "connector.sh").toAbsolutePath().toString(), "--version")
                .redirectErrorStream(true).start();
        String version = new String(script.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(version).isZero();
        assertThat(version).startsWith("2Checkout license connector 0.");
    }

    /**
     * The README's start, scripts/connector.sh: its first run writes a class-data-sharing archive beside the JAR
     * when it stops, and the next run maps it (-Xshare:on fails the start if it cannot); a JAR newer than the
     * archive gets a new one. With a Java agent set from the start it runs without the archive: JDK 17 crashes
     * loading an archived class while an agent's class-file hook is set.
     */
    @Test
    void theReadmeStartWritesAClassDataSharingArchiveAtItsFirstStopAndMapsItFromTheNext() throws Exception {
        Path home = WORK.resolve("launcher");
        LaunchedConnector.deleteRecursively(home);
        Files.createDirectories(home.resolve("scripts"));
        Files.createDirectories(home.resolve("target"));
        Files.copy(Path.of("scripts", "connector.sh"), home.resolve("scripts/connector.sh"));
        Files.createLink(home.resolve("target/twocheckout-license-connector.jar"), JAR);
        Path archive = home.resolve("target/twocheckout-license-connector.jsa");
        Path agent = ClassHookAgent.writeJar(home.resolve("agent/class-hook-agent.jar"));

        try (LaunchedConnector first = startScript(home, "first", "")) {
            assertThat(archive).doesNotExist();
        }
        assertThat(archive).exists();
        try (Stream<Path> files = Files.list(home.resolve("target"))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".part"));
        }

        try (LaunchedConnector second = startScript(home, "second", "-Xshare:on")) {
            assertThat(ProcessHandle.of(second.pid()).orElseThrow().info().arguments().orElseThrow())
                    .contains("-XX:SharedArchiveFile=" + home.resolve("scripts/../target/twocheckout-license-connector.jsa"));
        }
        // A rebuilt JAR (here: an archive older than the JAR) is not mapped: that run writes a new one.
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(home.resolve("target/twocheckout-license-connector.jar"));
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(built.toMillis() - 60_000));
        try (LaunchedConnector rebuilt = startScript(home, "rebuilt", "")) {
            List<String> java = ProcessHandle.of(rebuilt.pid()).orElseThrow().descendants()
                    .map(p -> p.info().arguments().map(List::of).orElse(List.of())).filter(args -> args.contains("-jar"))
                    .findFirst().orElseThrow();
            assertThat(java).noneMatch(a -> a.contains("SharedArchiveFile")).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
        }
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(built);

        try (LaunchedConnector withAgent = startScript(home, "agent", "-javaagent:" + agent)) {
            assertThat(ProcessHandle.of(withAgent.pid()).orElseThrow().info().arguments().orElseThrow())
                    .noneMatch(a -> a.contains("SharedArchiveFile"));
        }
    }

    /** scripts/connector.sh of {@code home}, started there, healthy; JVM options through JAVA_TOOL_OPTIONS. */
    private static LaunchedConnector startScript(Path home, String name, String jvmOptions) throws Exception {
        int port = SharedInfrastructure.freePort();
        int managementPort = SharedInfrastructure.freePort();
        ProcessBuilder pb = new ProcessBuilder("sh", home.resolve("scripts/connector.sh").toString()).directory(home.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTOR_") || k.startsWith("CAMEL_") || k.startsWith("JAVA_") || k.startsWith("JDK_"));
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Dcamel.server.host=127.0.0.1 -Dcamel.server.port=" + port
                + " -Dcamel.management.host=127.0.0.1 -Dcamel.management.port=" + managementPort + " -Dconnector.data-dir="
                + home.resolve("data") + " " + jvmOptions);
        LaunchedConnector connector = LaunchedConnector.start(pb, home.resolve(name + ".log"), home.resolve("data"));
        try {
            connector.awaitHealthy("http://127.0.0.1:" + managementPort + "/observe/health", Duration.ofSeconds(120));
        } catch (AssertionError | Exception e) {
            connector.close();
            throw e;
        }
        return connector;
    }

    private static ProcessBuilder jar(Path folder, int port, int managementPort) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dcamel.server.host=127.0.0.1", "-Dcamel.server.port=" + port,
                "-Dcamel.management.host=127.0.0.1", "-Dcamel.management.port=" + managementPort, "-jar", JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(folder.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTOR_") || k.startsWith("CAMEL_"));
        return pb;
    }

    private void runAndPostAnInsOrder(Path folder, Map<String, String> env, String apiToken, boolean customStep) throws Exception {
        assertThat(JAR).as("run `mvn package` first").exists();
        int port = SharedInfrastructure.freePort();
        int managementPort = SharedInfrastructure.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dcamel.server.host=127.0.0.1", "-Dcamel.server.port=" + port,
                "-Dcamel.management.host=127.0.0.1", "-Dcamel.management.port=" + managementPort, "-jar", JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(folder.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTOR_") || k.startsWith("CAMEL_"));
        pb.environment().putAll(env);

        try (LaunchedConnector jar = LaunchedConnector.start(pb, folder.resolve("connector.log"), folder.resolve("data"))) {
            jar.awaitHealthy("http://127.0.0.1:" + managementPort + "/observe/health", Duration.ofSeconds(120));
            // Every bean of beans.camel.yaml is built once (camel-yaml-dsl builds them twice unless the file
            // loads first, see ConnectorMain): the connector configuration is read once.
            assertThat(jar.output()).containsOnlyOnce("ConnectorConfigLoader - Connector configuration");
            // A newcomer's next step, in the start-up log: where the panel is and how to log in (never the password).
            assertThat(jar.output()).contains("Control panel: http://localhost:" + port + "/panel/ - log in as 'admin'")
                    .doesNotContain("demo-admin");

            InsPost order = InsPost.vendor("ORDER_CREATED", "901234567", "s3cr3tWord").item("DEMO-PRO", "Demo App Pro");
            HttpResponse<String> answer = jar.postForm("http://127.0.0.1:" + port + "/2co/ins", order.body());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

            if (customStep) {
                String logged = "custom step: INS ORDER_CREATED for order " + order.saleId() + " stored";
                await().atMost(Duration.ofSeconds(20)).until(() -> jar.output().contains(logged));
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                HttpResponse<String> r = jar.get("http://127.0.0.1:" + port + "/api/licenses?order=" + order.saleId(), apiToken);
                return r.statusCode() == 200 && r.body().contains("\"code\":\"DEMO-");
            });
        }
    }

    /** What the README's unzip does: routes/ and config/ out of the JAR. */
    private static void extractRoutesAndConfig(Path folder) throws Exception {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !(e.getName().startsWith("routes/") || e.getName().startsWith("config/"))) {
                    continue;
                }
                Path target = folder.resolve(e.getName());
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        assertThat(folder.resolve("routes/ins.camel.yaml")).exists();
        assertThat(folder.resolve("config/application.properties")).exists();
    }

    /** The README's custom-step snippet, inserted where the README says: before the INS route's step that wakes a worker. */
    private static void addTheReadmeCustomStep(Path route) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("```yaml\\n(\\s*- log:\\n\\s*message: \"custom step:[^\\n]*\\n)```").matcher(readme);
        assertThat(m.find()).as("README has the custom-step example").isTrue();
        String yaml = Files.readString(route);
        String wake = "        - to:\n            uri: direct:notification-wake\n";
        assertThat(yaml).contains(wake);
        Files.writeString(route, yaml.replaceFirst(Pattern.quote(wake), Matcher.quoteReplacement(m.group(1) + wake)));
    }
}
