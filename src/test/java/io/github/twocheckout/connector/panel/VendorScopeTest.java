package io.github.twocheckout.connector.panel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.PanelSession;
import io.github.twocheckout.connector.support.RestEndpoints;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accounts scoped to vendors. Two vendors, created by the operator's admin, each with a connector, a
 * product, a destination, licenses (from a signed test order through the connector's own endpoint),
 * their notifications, events and a delivery confirmation. Then every endpoint the API defines (read
 * from routes/api.camel.yaml) is called as vendor A's admin, A's viewer and the support team (granted
 * by A) with vendor B's ids: none may answer 2xx, a 404 must read exactly as for an id that does not
 * exist, no list may show B, and B's rows must be as they were.
 */
class VendorScopeTest extends ConnectorTestBase {

    private final String run = String.valueOf(SignedPost.nextNumber());
    private PanelSession admin;
    private Fixture a;
    private Fixture b;

    /** One vendor's things, by id, and the texts that would give them away in an answer. */
    private record Fixture(long vendor, long connector, long mapping, long destination, long license, long notification,
                           long event, long idn, long user, List<String> markers) {
    }

    @BeforeAll
    void twoVendors() {
        admin = PanelSession.login(connector, "admin", RunningConnector.ADMIN_PASSWORD);
        a = vendor("a");
        b = vendor("b");
    }

    private Fixture vendor(String letter) {
        String code = "scope-" + letter + "-" + run;
        String merchant = ("SC" + letter + run).toUpperCase();
        long vendor = admin.request().body(Map.of("code", code, "name", "Scope " + letter.toUpperCase() + " " + run,
                "merchantCode", merchant, "secretKey", "scope-key-" + letter + "-" + run, "contactEmail", code + "@example.test"))
                .post("/api/vendors").then().statusCode(201).extract().jsonPath().getLong("id");
        long conn = admin.request().body(Map.of("vendorId", vendor, "code", code + "-app", "name", "Scope app " + letter))
                .post("/api/connectors").then().statusCode(201).extract().jsonPath().getLong("id");
        long mapping = admin.request().body(Map.of("productId", "77" + run.substring(Math.max(0, run.length() - 4)) + (letter.equals("a") ? 1 : 2),
                        "productCode", code.toUpperCase() + "-PRO", "name", "Scope Pro " + letter))
                .post("/api/connectors/" + conn + "/mappings").then().statusCode(201).extract().jsonPath().getLong("id");
        long destination = admin.request().body(Map.of("connectorId", conn, "name", "hook-" + letter, "uri", "log:scope-" + letter + "?level=OFF"))
                .post("/api/event-destinations").then().statusCode(201).extract().jsonPath().getLong("id");
        Response sent = admin.request().body(Map.of("channel", "ipn")).post("/api/connectors/" + conn + "/test-notification");
        assertThat(sent.statusCode()).as(sent.asString()).isEqualTo(200);
        String order = sent.jsonPath().getString("orderRef");
        Map<String, Object> license = await().atMost(Duration.ofSeconds(30)).until(
                () -> connector.jdbc().queryForList("SELECT id, code FROM license WHERE vendor_id = ? AND order_ref = ?", vendor, order),
                l -> !l.isEmpty()).get(0);
        long licenseId = ((Number) license.get("id")).longValue();
        long event = await().atMost(Duration.ofSeconds(30)).until(() -> connector.jdbc().queryForList(
                "SELECT id FROM event_outbox WHERE destination_id = ? ORDER BY id", Long.class, destination), e -> !e.isEmpty()).get(0);
        long notification = connector.jdbc().queryForObject("SELECT min(id) FROM notification WHERE vendor_id = ? AND order_ref = ?",
                Long.class, vendor, order);
        long idn = connector.jdbc().queryForObject("""
                INSERT INTO idn_outbox (vendor_id, order_ref, status, last_error) VALUES (?, ?, 'FAILED', 'scope test') RETURNING id""",
                Long.class, vendor, order);
        long user = admin.createUser(code + "-viewer", "scope-viewer-password", "vendor-viewer", vendor);
        return new Fixture(vendor, conn, mapping, destination, licenseId, notification, event, idn, user,
                List.of(code, merchant, order, (String) license.get("code"), "hook-" + letter, code + "-viewer"));
    }

    /** B's rows that no request of A's users or of support may change. */
    private String snapshotOfB() {
        return connector.jdbc().queryForList("""
                SELECT (SELECT row_to_json(v)::text FROM vendor v WHERE v.id = ?) AS vendor,
                       (SELECT row_to_json(c)::text FROM connector c WHERE c.id = ?) AS connector,
                       (SELECT row_to_json(m)::text FROM product_mapping m WHERE m.id = ?) AS mapping,
                       (SELECT row_to_json(d)::text FROM event_destination d WHERE d.id = ?) AS destination,
                       (SELECT row_to_json(l)::text FROM license l WHERE l.id = ?) AS license,
                       (SELECT status || attempts FROM notification WHERE id = ?) AS notification,
                       (SELECT status || attempts FROM event_outbox WHERE id = ?) AS event,
                       (SELECT status || attempts FROM idn_outbox WHERE id = ?) AS idn,
                       (SELECT row_to_json(u)::text FROM panel_user u WHERE u.id = ?) AS viewer,
                       (SELECT count(*) FROM support_grant WHERE vendor_id = ?) AS grants,
                       (SELECT count(*) FROM connector WHERE vendor_id = ?) AS connectors,
                       (SELECT count(*) FROM license_code_pool WHERE connector_id = ?) AS pool,
                       (SELECT count(*) FROM panel_user_vendor WHERE vendor_id = ?) AS users""",
                b.vendor, b.connector, b.mapping, b.destination, b.license, b.notification, b.event, b.idn, b.user, b.vendor, b.vendor,
                b.connector, b.vendor).toString();
    }

    /** Every endpoint of the REST DSL in routes/api.camel.yaml: "METHOD /api/path". */
    private static List<String> endpoints() throws Exception {
        return RestEndpoints.of("routes/api.camel.yaml");
    }

    /** The id of B's thing that a path with {id} names, or of a thing that does not exist. */
    private long idFor(String path, Fixture f) {
        String kind = path.replaceFirst("^/api/", "").replaceFirst("/.*", "");
        return switch (kind) {
            case "vendors" -> f.vendor;
            case "connectors" -> f.connector;
            case "mappings" -> f.mapping;
            case "licenses" -> f.license;
            case "notifications" -> f.notification;
            case "users" -> f.user;
            case "event-destinations" -> f.destination;
            case "events" -> f.event;
            case "idn" -> f.idn;
            default -> throw new AssertionError("no fixture for " + path + ": add one to this test");
        };
    }

    /** A body that would succeed if the caller were allowed: the change an attacker would want. */
    private Map<String, Object> attack(Fixture target) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "taken-over");
        body.put("reason", "taken over");
        body.put("enabled", false);
        body.put("secretKey", "stolen-key");
        body.put("contactEmail", "attacker@example.test");
        body.put("role", "vendor-admin");
        body.put("password", "attacker-password-1");
        body.put("uri", "log:attacker");
        body.put("vendorId", target.vendor);
        body.put("connectorId", target.connector);
        body.put("vendorIds", List.of(target.vendor));
        body.put("ids", List.of(target.notification));
        body.put("channel", "ipn");
        body.put("username", "attacker-" + run + "-" + System.nanoTime());
        body.put("code", "attacker-" + System.nanoTime());
        return body;
    }

    private Response call(PanelSession as, String method, String path, Object body) {
        var r = as.request();
        if (!method.equals("GET") && !method.equals("DELETE")) {
            r = r.body(body);
        }
        return r.request(method, path);
    }

    @Test
    void noRoleOfOneVendorReadsOrChangesAnotherVendorsThingsThroughAnyEndpoint() throws Exception {
        PanelSession vendorAdmin = PanelSession.login(connector, adminOfA(), "scope-admin-password");
        PanelSession viewer = PanelSession.login(connector, "scope-a-" + run + "-viewer", "scope-viewer-password");
        PanelSession support = supportGrantedBy(vendorAdmin, a.vendor);
        String before = snapshotOfB();
        List<String> checked = new ArrayList<>();
        for (PanelSession as : List.of(vendorAdmin, viewer, support)) {
            for (String endpoint : endpoints()) {
                String method = endpoint.substring(0, endpoint.indexOf(' '));
                String template = endpoint.substring(endpoint.indexOf(' ') + 1);
                if (template.startsWith("/api/session") || template.equals("/api/openapi.yaml") || template.startsWith("/api/licensing/keys")
                        && method.equals("GET")) {
                    continue; // the caller's own session; the API's description and the public keys, the same for everyone
                }
                String what = as.username() + " " + endpoint;
                if (template.contains("{id}")) {
                    long theirs = idFor(template, b);
                    Response r = call(as, method, template.replace("{id}", String.valueOf(theirs)).replace("{activationId}", "1"), attack(b));
                    assertThat(r.statusCode()).as(what + ": " + r.asString()).isIn(403, 404);
                    if (r.statusCode() == 404) {
                        // Exactly what an id that does not exist gets: B's ids cannot be told from gaps.
                        long none = 900_000_000L + theirs;
                        Response gap = call(as, method, template.replace("{id}", String.valueOf(none)).replace("{activationId}", "1"), attack(b));
                        assertThat(gap.statusCode()).as(what + " (an id that does not exist)").isEqualTo(404);
                        assertThat(r.asString().replace(String.valueOf(theirs), "#")).as(what)
                                .isEqualTo(gap.asString().replace(String.valueOf(none), "#"));
                    }
                } else {
                    Response r = call(as, method, template, attack(b));
                    if (r.statusCode() < 300) {
                        String text = r.asString();
                        for (String marker : b.markers()) {
                            assertThat(text).as(what + " shows vendor B's " + marker).doesNotContain(marker);
                        }
                    } else {
                        assertThat(r.statusCode()).as(what + ": " + r.asString()).isIn(400, 403, 404, 409);
                    }
                }
                checked.add(what);
            }
        }
        assertThat(snapshotOfB()).as("vendor B's rows after every request").isEqualTo(before);
        assertThat(checked).hasSize(3 * (endpoints().size() - 5)); // every endpoint but the 5 above, for each of the 3
        // The same requests reach A's own things: the scope is not a blanket refusal.
        vendorAdmin.request().body(Map.of("name", "Renamed by A's admin")).put("/api/connectors/" + a.connector).then().statusCode(200);
        viewer.request().get("/api/licenses/" + a.license).then().statusCode(200);
        support.request().get("/api/notifications/" + a.notification).then().statusCode(200);
        assertThat(viewer.request().get("/api/licenses?limit=1000").jsonPath().getList("connector_id", Long.class))
                .containsOnly(a.connector);
    }

    private String adminOfA() {
        String name = "scope-a-" + run + "-admin";
        if (connector.jdbc().queryForObject("SELECT count(*) FROM panel_user WHERE username = ?", Integer.class, name) == 0) {
            admin.createUser(name, "scope-admin-password", "vendor-admin", a.vendor);
        }
        return name;
    }

    private PanelSession supportGrantedBy(PanelSession vendorAdmin, long vendor) {
        String name = "scope-support-" + run;
        if (connector.jdbc().queryForObject("SELECT count(*) FROM panel_user WHERE username = ?", Integer.class, name) == 0) {
            admin.createUser(name, "scope-support-password", "support");
        }
        vendorAdmin.request().body(Map.of()).put("/api/vendors/" + vendor + "/support-access").then().statusCode(200);
        return PanelSession.login(connector, name, "scope-support-password");
    }

    @Test
    void aVendorGrantsAndRevokesSupportAndTheOpenSessionLosesTheVendorAtOnce() {
        PanelSession vendorAdmin = PanelSession.login(connector, adminOfA(), "scope-admin-password");
        PanelSession support = supportGrantedBy(vendorAdmin, a.vendor);
        support.request().get("/api/licenses/" + a.license).then().statusCode(200);
        assertThat(support.request().get("/api/vendors").jsonPath().getList("id", Long.class)).contains(a.vendor).doesNotContain(b.vendor);
        // Support reads and diagnoses, and changes nothing.
        support.request().body(Map.of("reason", "no")).post("/api/licenses/" + a.license + "/revoke").then().statusCode(403);
        support.request().body(Map.of("secretKey", "x")).put("/api/vendors/" + a.vendor).then().statusCode(403);

        vendorAdmin.request().delete("/api/vendors/" + a.vendor + "/support-access").then().statusCode(200);
        // The same session, its next request: the vendor is gone.
        support.request().get("/api/licenses/" + a.license).then().statusCode(404);
        assertThat(support.request().get("/api/vendors").jsonPath().getList("id", Long.class)).doesNotContain(a.vendor);
        assertThat(support.request().get("/api/licenses?limit=1000").jsonPath().getList("id", Long.class)).doesNotContain(a.license);

        // A grant limited in time ends by itself.
        vendorAdmin.request().body(Map.of("until", java.time.Instant.now().plusSeconds(2).toString()))
                .put("/api/vendors/" + a.vendor + "/support-access").then().statusCode(200);
        support.request().get("/api/licenses/" + a.license).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> support.request().get("/api/licenses/" + a.license).statusCode() == 404);

        // On record, as A's: the grants and the revocation, readable by A's admin, not by B's.
        List<Map<String, Object>> log = vendorAdmin.request().get("/api/audit?limit=200").jsonPath().getList("$");
        assertThat(log).extracting(e -> e.get("action")).contains("vendor-support-grant", "vendor-support-revoke");
        assertThat(log).allMatch(e -> e.get("vendor_id") == null || ((Number) e.get("vendor_id")).longValue() == a.vendor);
        List<Map<String, Object>> history = vendorAdmin.request().get("/api/vendors/" + a.vendor + "/support-access").jsonPath().getList("$");
        assertThat(history).extracting(g -> g.get("revoked_by")).contains(adminOfA());
    }

    @Test
    void aVendorsAdminManagesTheVendorsOwnUsersOnly() {
        PanelSession vendorAdmin = PanelSession.login(connector, adminOfA(), "scope-admin-password");
        long viewer = vendorAdmin.createUser("scope-a-" + run + "-reader", "scope-reader-password", "vendor-viewer");
        assertThat(connector.jdbc().queryForList("SELECT vendor_id FROM panel_user_vendor WHERE user_id = ?", Long.class, viewer))
                .containsExactly(a.vendor);
        // Not an operator's role, not another vendor.
        vendorAdmin.request().body(Map.of("username", "x-" + run, "password", "long-enough-password", "role", "admin"))
                .post("/api/users").then().statusCode(403);
        vendorAdmin.request().body(Map.of("username", "y-" + run, "password", "long-enough-password", "role", "vendor-viewer",
                "vendorIds", List.of(b.vendor))).post("/api/users").then().statusCode(404);
        assertThat(vendorAdmin.request().get("/api/users").jsonPath().getList("username", String.class))
                .contains("scope-a-" + run + "-reader").doesNotContain("admin", "scope-b-" + run + "-viewer");
        PanelSession reader = PanelSession.login(connector, "scope-a-" + run + "-reader", "scope-reader-password");
        reader.request().get("/api/connectors/" + a.connector).then().statusCode(200);
        reader.request().body(Map.of("name", "no")).put("/api/connectors/" + a.connector).then().statusCode(403);
        // Between the vendor's roles a user keeps its vendors; an operator's role is not the vendor's to give.
        admin.request().body(Map.of("vendorIds", List.of(a.vendor, b.vendor))).put("/api/users/" + viewer).then().statusCode(200);
        admin.request().body(Map.of("role", "vendor-admin")).put("/api/users/" + viewer).then().statusCode(200);
        assertThat(connector.jdbc().queryForList("SELECT vendor_id FROM panel_user_vendor WHERE user_id = ? ORDER BY 1", Long.class, viewer))
                .containsExactly(a.vendor, b.vendor);
        vendorAdmin.request().body(Map.of("role", "vendor-viewer")).put("/api/users/" + viewer).then().statusCode(404); // shared with B now
        admin.request().body(Map.of("role", "vendor-viewer", "vendorIds", List.of(a.vendor))).put("/api/users/" + viewer).then().statusCode(200);
        vendorAdmin.request().body(Map.of("role", "support")).put("/api/users/" + viewer).then().statusCode(403);
        vendorAdmin.request().delete("/api/users/" + viewer).then().statusCode(200);
        reader.request().get("/api/connectors/" + a.connector).then().statusCode(401);
    }
}
