package io.github.twocheckout.connector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.main.Main;

/**
 * Starts the connector on camel-main: properties from config/ (plus config/application-PROFILE.properties
 * for camel.main.profile), routes from routes/. When those folders are not in the working directory,
 * the copies packaged in the JAR are used, so {@code java -jar} works from anywhere. Other folders:
 * connector.config-dir / CONNECTOR_CONFIG_DIR and connector.routes-dir / CONNECTOR_ROUTES_DIR.
 */
public final class ConnectorMain {

    private ConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("simulate")) {
            // The 2Checkout simulator ships in the same JAR: java -jar ... simulate send|scenario|load
            io.github.twocheckout.connector.simulator.SimulatorCli.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("verify-license")) {
            io.github.twocheckout.connector.licensing.VerifyLicenseCli.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(usage());
            return;
        }
        if (args.length > 0 && args[0].equals("--version")) {
            System.out.println("2Checkout license connector " + version());
            return;
        }
        try {
            startDatabaseEarly();
        } catch (IllegalStateException e) {
            System.err.println("Not started: " + e.getMessage());
            System.exit(1);
        }
        create(new Properties()).run(args);
    }

    /** The connector's version, from the JAR's manifest (the build's project version). */
    static String version() {
        String v = ConnectorMain.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    static String usage() {
        return """
                2Checkout license connector %s

                  java -jar twocheckout-license-connector.jar            run the connector (config/ and routes/ of this
                                                                         folder when present, else the JAR's own)
                  java -jar twocheckout-license-connector.jar simulate   play 2Checkout against a running connector
                                                                         (simulate --help for its commands)
                  java -jar twocheckout-license-connector.jar verify-license FILE --public-key KEY
                                                                         check a license document offline, as an
                                                                         application does (verify-license --help)
                  java -jar twocheckout-license-connector.jar --version  print the version
                  java -jar twocheckout-license-connector.jar --help     print this

                Settings: config/application.properties, each overridable with -Dkey=value or an environment
                variable (DB_URL, CAMEL_SERVER_PORT, PANEL_ADMIN_PASSWORD, ...); see the README's Configuration.
                The control panel: http://localhost:8080/panel/ (camel.server.port).
                """.formatted(version());
    }

    /**
     * The embedded PostgreSQL starts on a background thread now, while camel-main loads (about a second
     * of the start-up overlaps this way); the connectorDataSource bean takes it over. Only when the
     * settings are plain values here: with an external database, or a placeholder to resolve, the bean
     * starts everything itself as usual.
     */
    private static void startDatabaseEarly() {
        try {
            Properties files = new Properties();
            String profile = setting(new Properties(), "camel.main.profile", "CAMEL_MAIN_PROFILE", "demo");
            String configDir = setting(new Properties(), "connector.config-dir", "CONNECTOR_CONFIG_DIR", "config");
            // Lowest precedence first: the profile file refines application.properties.
            load(files, configDir, "application.properties");
            load(files, configDir, "application-" + profile + ".properties");
            String url = early(files, "db.url", "DB_URL", "");
            String dataDir = early(files, "connector.data-dir", "CONNECTOR_DATA_DIR", "data");
            String port = early(files, "db.embedded-port", "DB_EMBEDDED_PORT", "0");
            if (url.isEmpty() && !dataDir.contains("{{") && port.matches("\\d+")) {
                // Refused at once, in one line, when another connector runs on this data folder.
                io.github.twocheckout.connector.storage.DataFolderLock.acquire(Path.of(dataDir));
                io.github.twocheckout.connector.storage.EmbeddedDatabase.startEarly(dataDir, Integer.parseInt(port));
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            // Nothing lost: the bean starts the database the usual way.
        }
    }

    private static void load(Properties into, String configDir, String name) throws java.io.IOException {
        Path file = Path.of(configDir, name);
        try (java.io.InputStream in = Files.isDirectory(Path.of(configDir))
                ? (Files.exists(file) ? Files.newInputStream(file) : null)
                : ConnectorMain.class.getClassLoader().getResourceAsStream("config/" + name)) {
            if (in != null) {
                into.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private static String early(Properties files, String key, String env, String dflt) {
        String value = System.getProperty(key, System.getenv(env));
        if (value == null) {
            value = files.getProperty(key, dflt);
        }
        return value.trim();
    }

    /** A configured, not yet started Main; {@code overrides} win over every file (tests use this). */
    public static Main create(Properties overrides) {
        String profile = setting(overrides, "camel.main.profile", "CAMEL_MAIN_PROFILE", "demo");
        String configDir = setting(overrides, "connector.config-dir", "CONNECTOR_CONFIG_DIR", "config");
        String routesDir = setting(overrides, "connector.routes-dir", "CONNECTOR_ROUTES_DIR", "routes");

        String configBase = Files.isDirectory(Path.of(configDir)) ? "file:" + configDir : "classpath:config";
        String routesBase = Files.isDirectory(Path.of(routesDir)) ? "file:" + routesDir : "classpath:routes";

        Main main = new Main();
        // The first location that defines a key wins: the profile file refines application.properties.
        main.setPropertyPlaceholderLocations(configBase + "/application-" + profile + ".properties;optional=true,"
                + configBase + "/application.properties");
        // beans.camel.yaml first. camel-yaml-dsl builds every bean when it pre-parses the route files, and
        // skips it at the real load only while the file is the first one loaded (its cache of built beans
        // is cleared after each file): in name order, alerts.camel.yaml came first, and every bean, with its
        // start-up work (database, connector configuration), was built twice, 0.6 s of the start-up. From a
        // folder, two patterns (a file named outright as well as found by the second pattern would be
        // loaded twice); from the JAR, every file named (see packagedRouteFiles).
        String packaged = routesBase.startsWith("classpath:") ? packagedRouteFiles() : null;
        main.configure().withRoutesIncludePattern(packaged != null ? packaged
                : routesBase + "/beans*.camel.yaml," + routesBase + "/*.camel.yaml");
        Properties initial = new Properties();
        initial.setProperty("camel.main.profile", profile);
        main.setInitialProperties(initial);
        // camel-main maps environment variables onto placeholders, but not onto its camel.server.* and
        // camel.management.* options.
        Properties effective = new Properties();
        if (configBase.startsWith("file:")) {
            // application.properties names connectors.yaml and the templates relative to this folder.
            effective.setProperty("connector.config-dir", configDir);
        } else {
            // No config/ here: the files application.properties names relative to the configuration folder
            // come from the JAR as well. Override properties, because application.properties would win
            // over initial ones; an explicit setting (-D, environment, caller) still wins.
            packaged(effective, overrides, "connector.config-file", "classpath:config/connectors.yaml");
            packaged(effective, overrides, "mail.templates", "classpath:config/mail");
            packaged(effective, overrides, "keygen.templates", "classpath:config/keygen");
        }
        for (String key : new String[] {"camel.server.port", "camel.server.host", "camel.management.port", "camel.management.host"}) {
            String env = System.getenv(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
            if (env != null && !env.isBlank() && System.getProperty(key) == null) {
                effective.setProperty(key, env.trim());
            }
        }
        effective.putAll(overrides);
        main.setOverrideProperties(effective);
        return main;
    }

    /**
     * The route files packaged in the JAR, named one by one, beans*.camel.yaml first; null when they cannot
     * be listed (the patterns are used then). A classpath pattern makes Camel read the whole JAR through,
     * 112 MB with the embedded PostgreSQL, once for the pre-parse and once for the load: about 2.5 s of
     * the start-up of a JAR run outside the project folder. A named file is looked up directly.
     */
    private static String packagedRouteFiles() {
        try {
            return routeFilesIn(Path.of(ConnectorMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            return null;
        }
    }

    /** The routes/*.camel.yaml of a JAR or classes folder as classpath: locations, beans*.camel.yaml first; null if none. */
    static String routeFilesIn(Path location) throws java.io.IOException {
        java.util.List<String> names;
        if (Files.isDirectory(location)) {
            Path routes = location.resolve("routes");
            if (!Files.isDirectory(routes)) {
                return null;
            }
            try (var files = Files.list(routes)) {
                names = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toList());
            }
        } else {
            try (var jar = new java.util.jar.JarFile(location.toFile())) {
                names = jar.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.startsWith("routes/") && n.indexOf('/', "routes/".length()) < 0)
                        .map(n -> n.substring("routes/".length())).collect(java.util.stream.Collectors.toList());
            }
        }
        String listed = names.stream().filter(n -> n.endsWith(".camel.yaml"))
                .sorted(java.util.Comparator.comparing((String n) -> !n.startsWith("beans")).thenComparing(n -> n))
                .map(n -> "classpath:routes/" + n).collect(java.util.stream.Collectors.joining(","));
        return listed.isEmpty() ? null : listed;
    }

    private static void packaged(Properties effective, Properties overrides, String key, String packagedValue) {
        String env = key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        if (overrides.getProperty(key) == null && System.getProperty(key) == null && System.getenv(env) == null) {
            effective.setProperty(key, packagedValue);
        }
    }

    private static String setting(Properties overrides, String key, String env, String dflt) {
        String value = overrides.getProperty(key, System.getProperty(key, System.getenv(env)));
        return value == null || value.isBlank() ? dflt : value;
    }
}
