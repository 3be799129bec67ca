package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.RunningConnector;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file seeds, the panel edits, an export writes the file back: they never fight. */
class ConfigSeedTest {

    private static final String FILE = """
            vendors:
              - code: seedco
                name: Seed Co
                merchantCode: SEEDCO
                secretKey: seed-secret-key-1
                contactEmail: seed@vendor.test
                connectors:
                  - code: seed-main
                    name: %s
                    products:
                      - { productCode: SEED-1, name: Seed One, licenseType: perpetual }
            """;

    private static String connectorName(RunningConnector c) {
        return c.jdbc().queryForObject("SELECT name FROM connector WHERE code = 'seed-main'", String.class);
    }

    private static void renameInPanel(RunningConnector c, String name) {
        Response login = c.http().contentType("application/json")
                .body(Map.of("username", "admin", "password", RunningConnector.ADMIN_PASSWORD)).post("/api/session");
        long id = c.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'seed-main'", Long.class);
        c.http().cookie("tco_session", login.getCookie("tco_session")).header("X-CSRF-Token", login.jsonPath().getString("csrfToken"))
                .contentType("application/json").body(Map.of("name", name)).put("/api/connectors/" + id).then().statusCode(200);
    }

    @Test
    void panelEditsSurviveRestartsUntilTheFileChangesAndTheExportWritesThemBack() throws Exception {
        Path file = Files.createTempDirectory(Path.of("target"), "config-seed").resolve("connectors.yaml");
        Files.writeString(file, FILE.formatted("Seed Main"), StandardCharsets.UTF_8);
        Map<String, String> props = Map.of("connector.config-file", file.toString());

        try (RunningConnector c = RunningConnector.start(props)) {
            assertThat(connectorName(c)).isEqualTo("Seed Main");
            renameInPanel(c, "Renamed in the panel");
        }
        try (RunningConnector c = RunningConnector.start(props)) {
            assertThat(connectorName(c)).as("the unchanged file leaves the panel's edit alone").isEqualTo("Renamed in the panel");
        }
        Files.writeString(file, FILE.formatted("Seed Main v2"), StandardCharsets.UTF_8);
        try (RunningConnector c = RunningConnector.start(props)) {
            assertThat(connectorName(c)).as("a changed file is applied again").isEqualTo("Seed Main v2");
            renameInPanel(c, "Edited then exported");
            Response login = c.http().contentType("application/json")
                    .body(Map.of("username", "admin", "password", RunningConnector.ADMIN_PASSWORD)).post("/api/session");
            c.http().cookie("tco_session", login.getCookie("tco_session")).header("X-CSRF-Token", login.jsonPath().getString("csrfToken"))
                    .post("/api/config/export").then().statusCode(200);
        }
        String exported = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(exported).contains("name: Edited then exported", "secretKey: ${env:SEEDCO_SECRET_KEY}", "productCode: SEED-1")
                .doesNotContain("seed-secret-key-1");
        try (RunningConnector c = RunningConnector.start(props)) {
            assertThat(connectorName(c)).isEqualTo("Edited then exported");
            assertThat(c.jdbc().queryForObject("SELECT secret_key FROM vendor WHERE code = 'seedco'", String.class))
                    .as("an unset ${env:...} keeps the stored secret").isEqualTo("seed-secret-key-1");
        }
    }
}
