package io.github.twocheckout.connector.panel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit log over HTTP: logins and failed logins, changes with who made them and the answer they
 * got, secrets masked; searchable a page at a time, exportable as CSV, append-only; a disabled user
 * stays named and cannot log in.
 */
class AuditLogTest extends ConnectorTestBase {

    private record Session(String cookie, String csrf) {
    }

    private Session login(String username, String password) {
        Response r = connector.http().contentType("application/json").body(Map.of("username", username, "password", password))
                .post("/api/session");
        r.then().statusCode(200);
        return new Session(r.getCookie("tco_session"), r.jsonPath().getString("csrfToken"));
    }

    private RequestSpecification as(Session s) {
        return connector.http().cookie("tco_session", s.cookie()).header("X-CSRF-Token", s.csrf()).contentType("application/json");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> entries(Session s, Map<String, String> filter) {
        Response r = as(s).queryParams(filter).get("/api/audit");
        r.then().statusCode(200);
        return r.jsonPath().getList("$");
    }

    @Test
    void loginsAndChangesAreOnRecordWithTheirOutcomeAndNoSecret() {
        String name = "auditor-" + SignedPost.nextNumber();
        connector.http().contentType("application/json").body(Map.of("username", "admin", "password", "not-the-password"))
                .post("/api/session").then().statusCode(401);
        Session admin = login("admin", RunningConnector.ADMIN_PASSWORD);
        as(admin).body(Map.of("username", name, "password", "audited-password-1", "role", "support")).post("/api/users").then().statusCode(201);
        long vendor = connector.jdbc().queryForObject("SELECT id FROM vendor WHERE code = 'hooli'", Long.class);
        as(admin).body(Map.of("secretKeyPrevious", "hooli-previous-secret-value")).put("/api/vendors/" + vendor).then().statusCode(200);
        // A support user's refused change is on record too.
        Session support = login(name, "audited-password-1");
        as(support).body(Map.of("name", "x")).put("/api/connectors/1").then().statusCode(403);
        // The API token's replay.
        connector.api().post("/api/notifications/999999999/replay");

        List<Map<String, Object>> recent = entries(admin, Map.of("limit", "20"));
        assertThat(recent).anyMatch(e -> "login-failed".equals(e.get("action")) && "admin".equals(e.get("actor")));
        assertThat(recent).anyMatch(e -> "login".equals(e.get("action")) && name.equals(e.get("actor")));
        assertThat(recent).anyMatch(e -> "user-create".equals(e.get("action")) && "admin".equals(e.get("actor"))
                && ((Number) e.get("outcome")).intValue() == 201 && String.valueOf(e.get("detail")).contains(name));
        assertThat(recent).anyMatch(e -> "vendor-update".equals(e.get("action")) && String.valueOf(e.get("target")).equals("PUT /api/vendors/" + vendor));
        assertThat(recent).anyMatch(e -> "connector-update".equals(e.get("action")) && name.equals(e.get("actor"))
                && ((Number) e.get("outcome")).intValue() == 403);
        assertThat(recent).anyMatch(e -> "notification-replay".equals(e.get("action")) && "api-token".equals(e.get("actor")));
        String everything = as(admin).get("/api/audit.csv").asString();
        assertThat(everything).contains("vendor-update").doesNotContain("hooli-previous-secret-value")
                .doesNotContain("audited-password-1").doesNotContain(RunningConnector.ADMIN_PASSWORD).doesNotContain("not-the-password");
        assertThat(as(admin).get("/api/audit?limit=1000").asString()).doesNotContain("hooli-previous-secret-value", "audited-password-1");

        // Reads are not changes: not on record; but what takes data away is, with what was asked for.
        assertThat(entries(admin, Map.of("action", "vendors-list"))).isEmpty();
        as(admin).get("/api/config/export").then().statusCode(200);
        as(admin).get("/api/reports/facts.csv?from=2026-01-01&to=2026-01-31").then().statusCode(200);
        List<Map<String, Object>> exports = entries(admin, Map.of("limit", "10"));
        assertThat(exports).anyMatch(e -> "config-export".equals(e.get("action")) && "admin".equals(e.get("actor")));
        assertThat(exports).anyMatch(e -> "reports-facts-csv".equals(e.get("action"))
                && String.valueOf(e.get("detail")).contains("from=2026-01-01"));
        assertThat(exports).anyMatch(e -> "audit-csv".equals(e.get("action")));
        // Support cannot read the log.
        as(support).get("/api/audit").then().statusCode(403);
    }

    @Test
    void theLogPagesWithATotalFiltersAndCannotBeChanged() {
        Session admin = login("admin", RunningConnector.ADMIN_PASSWORD);
        for (int i = 0; i < 3; i++) {
            as(admin).body(Map.of("reason", "paging " + i)).post("/api/licenses/999999999/revoke").then().statusCode(404);
        }
        Response first = as(admin).queryParams(Map.of("action", "license-revoke", "q", "paging", "limit", "2")).get("/api/audit");
        assertThat(Integer.parseInt(first.header("X-Total-Count"))).isGreaterThanOrEqualTo(3);
        assertThat(first.jsonPath().getList("$")).hasSize(2);
        Response second = as(admin).queryParams(Map.of("action", "license-revoke", "q", "paging", "limit", "2", "offset", "2")).get("/api/audit");
        assertThat(second.jsonPath().getList("$")).isNotEmpty();
        assertThat(second.header("X-Total-Count")).isEqualTo(first.header("X-Total-Count"));
        assertThat(second.jsonPath().getList("id")).doesNotContainAnyElementsOf(first.jsonPath().getList("id"));

        assertThatThrownBy(() -> connector.jdbc().update("UPDATE audit_log SET actor = 'nobody'")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> connector.jdbc().update("DELETE FROM audit_log")).hasMessageContaining("append-only");
    }

    @Test
    void aDisabledUserCannotLogInAndStaysNamed() {
        String name = "leaver-" + SignedPost.nextNumber();
        Session admin = login("admin", RunningConnector.ADMIN_PASSWORD);
        long id = as(admin).body(Map.of("username", name, "password", "leaving-password-1", "role", "support")).post("/api/users")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        Session leaver = login(name, "leaving-password-1");
        as(admin).delete("/api/users/" + id).then().statusCode(200);
        as(leaver).get("/api/session").then().statusCode(401);
        connector.http().contentType("application/json").body(Map.of("username", name, "password", "leaving-password-1"))
                .post("/api/session").then().statusCode(401);
        assertThat(connector.jdbc().queryForObject("SELECT disabled_at IS NOT NULL FROM panel_user WHERE id = ?", Boolean.class, id)).isTrue();
        assertThat(entries(admin, Map.of("actor", name))).anyMatch(e -> "login".equals(e.get("action")))
                .anyMatch(e -> "login-failed".equals(e.get("action")));
    }
}
