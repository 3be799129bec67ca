package io.github.twocheckout.connector.support;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** A logged-in panel user of a running connector: requests carry the session cookie and the CSRF token. */
public record PanelSession(RunningConnector connector, String username, String cookie, String csrf) {

    public static PanelSession login(RunningConnector connector, String username, String password) {
        Response r = connector.http().contentType("application/json").body(Map.of("username", username, "password", password))
                .post("/api/session");
        if (r.statusCode() != 200) {
            throw new AssertionError("login as " + username + " refused: " + r.statusCode() + " " + r.asString());
        }
        return new PanelSession(connector, username, r.getCookie("tco_session"), r.jsonPath().getString("csrfToken"));
    }

    public RequestSpecification request() {
        return connector.http().cookie("tco_session", cookie).header("X-CSRF-Token", csrf).contentType("application/json");
    }

    /** Creates a user as this session's user; the answer's id. */
    public long createUser(String name, String password, String role, Object... vendorIds) {
        Map<String, Object> body = vendorIds.length == 0 ? Map.of("username", name, "password", password, "role", role)
                : Map.of("username", name, "password", password, "role", role, "vendorIds", java.util.List.of(vendorIds));
        Response r = request().body(body).post("/api/users");
        if (r.statusCode() != 201) {
            throw new AssertionError("creating " + name + ": " + r.statusCode() + " " + r.asString());
        }
        return r.jsonPath().getLong("id");
    }
}
