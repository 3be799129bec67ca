package io.github.twocheckout.connector.support;

import io.github.twocheckout.connector.ConnectorMain;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The real connector (ConnectorMain with the repository's routes/ and config/), started in-process
 * on a free port against the shared PostgreSQL and GreenMail, with the test profile.
 */
public final class RunningConnector implements AutoCloseable {

    public static final String API_TOKEN = "test-api-token";
    public static final String ADMIN_PASSWORD = "test-admin-password";
    public static final String KEY_ENCRYPTION_KEY = "test-licensing-key-encryption-key-0123456789";

    private final Main main;
    private final int port;

    private final int managementPort;

    private RunningConnector(Main main, int port, int managementPort) {
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** The management server: /observe/health. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public static RunningConnector start(Map<String, String> extra) throws Exception {
        Properties p = new Properties();
        int port = SharedInfrastructure.freePort();
        p.setProperty("camel.main.profile", "test");
        p.setProperty("camel.server.port", String.valueOf(port));
        int managementPort = SharedInfrastructure.freePort();
        p.setProperty("camel.management.port", String.valueOf(managementPort));
        p.setProperty("db.url", SharedInfrastructure.jdbcUrl());
        p.setProperty("db.username", "postgres");
        p.setProperty("connector.data-dir", "target/test-data");
        p.setProperty("connector.config-file", "src/test/resources/connectors-test.yaml");
        p.setProperty("mail.smtp.url", "smtp://127.0.0.1:" + SharedInfrastructure.greenMail().getSmtp().getPort());
        p.setProperty("mail.support-address", "support@operator.test");
        p.setProperty("api.token", API_TOKEN);
        p.setProperty("panel.admin.password", ADMIN_PASSWORD);
        // Every connector of the test JVM shares one database, so they share the key the signing keys are encrypted with.
        p.setProperty("licensing.key-encryption-key", KEY_ENCRYPTION_KEY);
        extra.forEach(p::setProperty);
        Main main = ConnectorMain.create(p);
        main.start();
        return new RunningConnector(main, port, Integer.parseInt(p.getProperty("camel.management.port")));
    }

    public static RunningConnector start() throws Exception {
        return start(Map.of());
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public DataSource dataSource() {
        return context().getRegistry().lookupByNameAndType("connectorDataSource", DataSource.class);
    }

    public JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource());
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public RequestSpecification http() {
        return RestAssured.given().baseUri(baseUrl());
    }

    public RequestSpecification api() {
        return http().header("Authorization", "Bearer " + API_TOKEN);
    }

    /** Requests as the panel's admin: a fresh login, its session cookie and CSRF token (the API token acts as support). */
    public RequestSpecification admin() {
        io.restassured.response.Response r = http().contentType("application/json")
                .body(Map.of("username", "admin", "password", ADMIN_PASSWORD)).post("/api/session");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("admin login refused: " + r.statusCode() + " " + r.asString());
        }
        return http().cookie("tco_session", r.getCookie("tco_session")).header("X-CSRF-Token", r.jsonPath().getString("csrfToken"))
                .contentType("application/json");
    }

    /**
     * Stops the processing workers, and first the recovery poller: its wake-ups, every 500 ms in the
     * test profile, would keep a worker from ever finding the queue empty, and the stop would wait
     * for Camel's shutdown timeout. Calls are still stored and acknowledged.
     */
    public void stopProcessing() throws Exception {
        context().getRouteController().stopRoute("notification-recovery");
        context().getRouteController().stopRoute("notification-process");
    }

    /** Starts the workers and the recovery poller again. */
    public void startProcessing() throws Exception {
        context().getRouteController().startRoute("notification-process");
        context().getRouteController().startRoute("notification-recovery");
    }

    public List<Map<String, Object>> licenses(String orderRef) {
        return jdbc().queryForList("SELECT * FROM license WHERE order_ref = ? ORDER BY product_mapping_id, unit_no", orderRef);
    }

    public List<Map<String, Object>> notifications(String orderRef) {
        return jdbc().queryForList("SELECT * FROM notification WHERE order_ref = ? ORDER BY id", orderRef);
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
