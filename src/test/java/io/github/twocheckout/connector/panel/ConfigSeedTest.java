package io.github.twocheckout.connector.panel;

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
                    .contentType("application/json").body(Map.of("overwrite", true))
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

    @Test
    void anExportGoesToANewFileKeepsEveryEnvReferenceAndSaysWhatChanged() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "config-export");
        Path file = dir.resolve("connectors.yaml");
        String original = """
                # Our vendors. Comments like this one are the file's own.
                vendors:
                  - code: exportco
                    name: Export Co
                    insVendorId: "4004"
                    contactEmail: export@vendor.test
                    secretWord: ${env:EXPORTCO_WORD_NOT_SET:-w0rd-default}
                    secretKey: ${env:EXPORTCO_KEY_NOT_SET}
                    connectors:
                      - code: export-main
                        name: Export Main
                        products:
                          - { productCode: EXP-1, name: Export One, licenseType: perpetual }
                """;
        Files.writeString(file, original, StandardCharsets.UTF_8);
        try (RunningConnector c = RunningConnector.start(Map.of("connector.config-file", file.toString()))) {
            c.jdbc().update("UPDATE vendor SET secret_key = 'stored-key-1' WHERE code = 'exportco'");
            long id = c.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'export-main'", Long.class);
            Response login = c.http().contentType("application/json")
                    .body(Map.of("username", "admin", "password", RunningConnector.ADMIN_PASSWORD)).post("/api/session");
            String cookie = login.getCookie("tco_session");
            String csrf = login.jsonPath().getString("csrfToken");
            c.http().cookie("tco_session", cookie).header("X-CSRF-Token", csrf).contentType("application/json")
                    .body(Map.of("name", "Export Main v2")).put("/api/connectors/" + id).then().statusCode(200);

            Response written = c.http().cookie("tco_session", cookie).header("X-CSRF-Token", csrf).post("/api/config/export");
            written.then().statusCode(200);
            assertThat(written.jsonPath().getString("written")).endsWith("connectors.exported.yaml");
            assertThat(written.jsonPath().getList("changes", String.class)).anySatisfy(change -> assertThat(change)
                    .contains("connector export-main name", "Export Main", "Export Main v2"));
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).as("the configuration file is left as it was").isEqualTo(original);
            String exported = Files.readString(dir.resolve("connectors.exported.yaml"), StandardCharsets.UTF_8);
            assertThat(exported).contains("${env:EXPORTCO_WORD_NOT_SET:-w0rd-default}", "${env:EXPORTCO_KEY_NOT_SET}", "Export Main v2")
                    .doesNotContain("stored-key-1");
        }
    }
}
