package io.github.twocheckout.connector.panel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.panel.PanelUsers;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control panel's API: logins, sessions and CSRF, roles, and what each resource shows and changes. */
class PanelApiTest extends ConnectorTestBase {

    private record Session(String cookie, String csrf) {
    }

    private Session login(String username, String password) {
        Response r = connector.http().contentType("application/json")
                .body(Map.of("username", username, "password", password)).post("/api/session");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.getHeader("Set-Cookie")).contains("HttpOnly", "SameSite=Strict", "Path=/");
        return new Session(r.getCookie("tco_session"), r.jsonPath().getString("csrfToken"));
    }

    private Session admin() {
        return login("admin", RunningConnector.ADMIN_PASSWORD);
    }

    private RequestSpecification as(Session s) {
        return connector.http().cookie("tco_session", s.cookie()).header("X-CSRF-Token", s.csrf()).contentType("application/json");
    }

    private Session newSupportUser(String name) {
        as(admin()).body(Map.of("username", name, "password", "support-password-1", "role", "support")).post("/api/users")
                .then().statusCode(201);
        return login(name, "support-password-1");
    }

    /** Vendor acme grants the operator's support team access (as its admin would). */
    private void acmeGrantsSupport() {
        long acme = connector.jdbc().queryForObject("SELECT id FROM vendor WHERE code = 'acme'", Long.class);
        as(admin()).body(Map.of()).put("/api/vendors/" + acme + "/support-access").then().statusCode(200);
    }

    @Test
    void everythingButTheLoginNeedsOne() {
        for (String path : List.of("/api/vendors", "/api/connectors", "/api/licenses", "/api/notifications", "/api/users",
                "/api/session", "/api/config/export", "/api/openapi.yaml")) {
            Response r = connector.http().get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.asString()).contains("login required");
        }
        connector.http().contentType("application/json").body(Map.of("username", "admin", "password", "wrong-password"))
                .post("/api/session").then().statusCode(401);
        connector.http().cookie("tco_session", "forged-session-id").get("/api/vendors").then().statusCode(401);
    }

    @Test
    void aSessionNeedsItsCsrfTokenForChangesAndEndsAtLogout() {
        Session s = admin();
        as(s).get("/api/session").then().statusCode(200);
        // The same cookie without the token, or with another, cannot change anything.
        connector.http().cookie("tco_session", s.cookie()).contentType("application/json").body(Map.of("name", "x"))
                .put("/api/connectors/1").then().statusCode(403);
        connector.http().cookie("tco_session", s.cookie()).header("X-CSRF-Token", "guess").contentType("application/json")
                .body(Map.of("username", "csrf-victim", "password", "0123456789abc", "role", "admin")).post("/api/users")
                .then().statusCode(403);
        assertThat(connector.jdbc().queryForList("SELECT id FROM panel_user WHERE username = 'csrf-victim'")).isEmpty();
        as(s).delete("/api/session").then().statusCode(200);
        as(s).get("/api/session").then().statusCode(401);
    }

    /** The page names its icon inline (allowed by img-src data:), so no page load asks for a /favicon.ico that is not there. */
    @Test
    void thePanelHasAnIconOfItsOwn() {
        String page = connector.http().get("/panel/").then().statusCode(200).extract().asString();
        assertThat(page).containsPattern("<link rel=\"icon\" href=\"data:image/svg\\+xml,");
        assertThat(connector.http().get("/panel/").getHeader("Content-Security-Policy")).contains("img-src 'self' data:");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        for (Response r : List.of(connector.http().get("/api/vendors"), as(admin()).get("/api/vendors"),
                connector.http().get("/panel/"))) {
            assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.getHeader("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.getHeader("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'");
            assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
            assertThat(r.getHeader("Cookie")).isNull();
        }
    }

    @Test
    void repeatedFailedLoginsLockTheUserForAWhile() {
        as(admin()).body(Map.of("username", "lock-me", "password", "right-password-1", "role", "support")).post("/api/users")
                .then().statusCode(201);
        for (int i = 0; i < 5; i++) {
            connector.http().contentType("application/json").body(Map.of("username", "lock-me", "password", "wrong-" + i))
                    .post("/api/session").then().statusCode(401);
        }
        Response locked = connector.http().contentType("application/json")
                .body(Map.of("username", "lock-me", "password", "right-password-1")).post("/api/session");
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(locked.getHeader("Retry-After"))).isPositive();
        // An admin's new password unlocks the account.
        long id = connector.jdbc().queryForObject("SELECT id FROM panel_user WHERE username = 'lock-me'", Long.class);
        as(admin()).body(Map.of("password", "another-password-2")).put("/api/users/" + id).then().statusCode(200);
        login("lock-me", "another-password-2");
    }

    @Test
    void secretsAreWriteOnlyAndNeverInAnAnswer() {
        Session s = admin();
        Response created = as(s).body(Map.of("code", "initech", "name", "Initech", "contactEmail", "it@initech.test",
                "merchantCode", "INITECH", "secretKey", "initech-secret-key-1", "secretWord", "initech-word")).post("/api/vendors");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.asString()).doesNotContain("initech-secret-key-1", "initech-word");
        assertThat(created.jsonPath().getBoolean("secret_key_set")).isTrue();
        assertThat(created.jsonPath().getBoolean("secret_key_previous_set")).isFalse();
        long id = created.jsonPath().getLong("id");
        // Rotation: the new key, the old one as previous; an update without secrets keeps them.
        as(s).body(Map.of("secretKey", "initech-secret-key-2", "secretKeyPrevious", "initech-secret-key-1")).put("/api/vendors/" + id)
                .then().statusCode(200);
        as(s).body(Map.of("name", "Initech Corp")).put("/api/vendors/" + id).then().statusCode(200);
        assertThat(connector.jdbc().queryForMap("SELECT name, secret_key, secret_key_previous FROM vendor WHERE id = ?", id))
                .containsEntry("name", "Initech Corp").containsEntry("secret_key", "initech-secret-key-2")
                .containsEntry("secret_key_previous", "initech-secret-key-1");
        for (String path : List.of("/api/vendors", "/api/vendors/" + id, "/api/config/export")) {
            assertThat(as(s).get(path).asString()).as(path)
                    .doesNotContain("initech-secret-key", "initech-word", "acme-key-2026", "tango-acme", "globex-key");
        }
        assertThat(as(s).get("/api/config/export").asString()).contains("secretKey: ${env:INITECH_SECRET_KEY}",
                "merchantCode: INITECH");
    }

    @Test
    void aKeyRotatedInThePanelReachesIntakeWithinTheVendorCacheTime() {
        Session s = admin();
        as(s).body(Map.of("code", "rotor", "name", "Rotor", "contactEmail", "rotor@vendor.test", "merchantCode", "ROTOR",
                "secretKey", "rotor-key-1")).post("/api/vendors").then().statusCode(201);
        io.github.twocheckout.connector.support.SignedPost first = io.github.twocheckout.connector.support.SignedPost
                .ipn("ROTOR", "rotor-key-1", "471100001", "PENDING");
        postIpn(first).then().statusCode(200);
        long id = connector.jdbc().queryForObject("SELECT id FROM vendor WHERE code = 'rotor'", Long.class);
        as(s).body(Map.of("secretKey", "rotor-key-2", "secretKeyPrevious", "rotor-key-1")).put("/api/vendors/" + id)
                .then().statusCode(200);
        io.github.twocheckout.connector.support.SignedPost next = io.github.twocheckout.connector.support.SignedPost
                .ipn("ROTOR", "rotor-key-2", "471100002", "PENDING");
        await().atMost(Duration.ofSeconds(15)).until(() -> postIpn(next.copy()).statusCode() == 200);
        // The old key still verifies as the previous one during the rotation.
        postIpn(io.github.twocheckout.connector.support.SignedPost.ipn("ROTOR", "rotor-key-1", "471100003", "PENDING"))
                .then().statusCode(200);
    }

    @Test
    void supportReadsTheVendorsThatGrantedAccessButChangesOnlyWhatItMay() {
        Session support = newSupportUser("support-reader");
        assertThat(as(support).get("/api/session").jsonPath().getString("role")).isEqualTo("support");
        acmeGrantsSupport();
        for (String path : List.of("/api/vendors", "/api/connectors", "/api/licenses", "/api/notifications", "/api/openapi.yaml")) {
            Response r = as(support).get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.asString()).doesNotContain("acme-key-2026", "tango-acme");
        }
        as(support).body(Map.of("name", "x")).put("/api/vendors/1").then().statusCode(403);
        as(support).body(Map.of("secretKey", "stolen")).put("/api/vendors/1").then().statusCode(403);
        as(support).body(Map.of("username", "mallory", "password", "0123456789abc", "role", "admin")).post("/api/users")
                .then().statusCode(403);
        as(support).get("/api/users").then().statusCode(403);
        as(support).get("/api/config/export").then().statusCode(403);
        as(support).body(Map.of("enabled", false)).put("/api/connectors/1").then().statusCode(403);
        // Replay and test notifications are the support role's to use.
        long connectorId = connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'acme-suite'", Long.class);
        as(support).body(Map.of("channel", "ins")).post("/api/connectors/" + connectorId + "/test-notification").then().statusCode(200);
    }

    @Test
    void removingOrDemotingAUserTakesEffectOnTheNextRequest() {
        Session s = admin();
        as(s).body(Map.of("username", "temp-admin", "password", "temp-password-1", "role", "admin")).post("/api/users")
                .then().statusCode(201);
        Session temp = login("temp-admin", "temp-password-1");
        as(temp).get("/api/users").then().statusCode(200);
        long id = connector.jdbc().queryForObject("SELECT id FROM panel_user WHERE username = 'temp-admin'", Long.class);
        as(s).body(Map.of("role", "support")).put("/api/users/" + id).then().statusCode(200);
        as(temp).get("/api/users").then().statusCode(403);
        as(s).delete("/api/users/" + id).then().statusCode(200);
        as(temp).get("/api/vendors").then().statusCode(401);
        connector.http().contentType("application/json").body(Map.of("username", "temp-admin", "password", "temp-password-1"))
                .post("/api/session").then().statusCode(401);
        // The last admin stays.
        long adminId = connector.jdbc().queryForObject("SELECT id FROM panel_user WHERE username = 'admin'", Long.class);
        as(s).delete("/api/users/" + adminId).then().statusCode(409);
    }

    @Test
    void connectorsAndMappingsAreCreatedEditedAndUsedAtOnce() {
        Session s = admin();
        long vendorId = connector.jdbc().queryForObject("SELECT id FROM vendor WHERE code = 'acme'", Long.class);
        Response c = as(s).body(Map.of("vendorId", vendorId, "code", "acme-new", "name", "ACME New", "mode", "live",
                "emailOnSuccess", true, "refundPolicy", "suspend")).post("/api/connectors");
        assertThat(c.statusCode()).as(c.asString()).isEqualTo(201);
        long id = c.jsonPath().getLong("id");
        as(s).body(Map.of("refundPolicy", "shred")).put("/api/connectors/" + id).then().statusCode(400);
        Response m = as(s).body(Map.of("productCode", "ACME-NEW-1", "name", "ACME New One", "licenseType", "subscription",
                "duration", "P1M", "codeMode", "per_unit")).post("/api/connectors/" + id + "/mappings");
        assertThat(m.statusCode()).as(m.asString()).isEqualTo(201);
        as(s).body(Map.of("productCode", "ACME-NEW-2", "name", "Bad", "licenseType", "subscription", "duration", "one month"))
                .post("/api/connectors/" + id + "/mappings").then().statusCode(400);

        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-NEW-1", "ACME New One");
        deliver(post, 1);
        assertThat(connector.licenses(post.saleId())).hasSize(1);

        as(s).body(Map.of("enabled", false, "mode", "testing")).put("/api/connectors/" + id).then().statusCode(200);
        JsonPath got = as(s).get("/api/connectors/" + id).jsonPath();
        assertThat(got.getBoolean("enabled")).isFalse();
        assertThat(got.getString("mode")).isEqualTo("testing");
        assertThat(got.getList("products")).hasSize(1);
        InsPost later = InsPost.acme("ORDER_CREATED").item("ACME-NEW-1", "ACME New One");
        deliver(later, 1);
        assertThat(connector.licenses(later.saleId())).isEmpty();
        assertThat(lastNotification(later.saleId())).containsEntry("status", "FAILED");
        // A mapping with licenses stays.
        as(s).delete("/api/mappings/" + m.jsonPath().getLong("id")).then().statusCode(409);
    }

    @Test
    void licensesAreFoundChangedByHandWithAReasonAndTheTrailNamesWho() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_quantity_1", "3")
                .set("customer_email", "Finder@Example.test");
        deliver(post, 1);
        Session s = admin();
        List<Map<String, Object>> byEmail = as(s).get("/api/licenses?email=finder@example").jsonPath().getList("$");
        assertThat(byEmail).extracting(l -> l.get("order_ref")).contains(post.saleId());
        String code = (String) connector.licenses(post.saleId()).get(0).get("code");
        long id = as(s).get("/api/licenses?code=" + code).jsonPath().getLong("[0].id");

        as(s).body(Map.of()).post("/api/licenses/" + id + "/suspend").then().statusCode(400); // a reason is required
        as(s).body(Map.of("reason", "chargeback investigation")).post("/api/licenses/" + id + "/suspend").then().statusCode(200);
        as(s).body(Map.of("reason", "again")).post("/api/licenses/" + id + "/suspend").then().statusCode(409);
        as(s).body(Map.of("reason", "cleared")).post("/api/licenses/" + id + "/reinstate").then().statusCode(200);
        Session support = newSupportUser("support-licenses");
        acmeGrantsSupport();
        as(support).body(Map.of("reason", "no")).post("/api/licenses/" + id + "/revoke").then().statusCode(403);

        JsonPath license = as(support).get("/api/licenses/" + id).jsonPath();
        assertThat(license.getString("status")).isEqualTo("ACTIVE");
        assertThat(license.getList("events.event")).containsExactly("ISSUED", "MANUAL_SUSPEND", "MANUAL_REINSTATE");
        assertThat(license.getList("events.actor")).containsExactly(null, "admin", "admin");
        assertThat(license.getList("events.detail")).contains("chargeback investigation", "cleared");
        assertThat(license.getString("events[0].channel")).isEqualTo("INS");
        assertThat(as(s).get("/api/licenses?status=ACTIVE&limit=2").jsonPath().getList("$")).hasSize(2);
    }

    @Test
    void notificationsAreFilteredShownWithTheirRawBodyAndReplayedWithADryRunFirst() {
        InsPost unknown = InsPost.acme("ORDER_CREATED").item("LATE-PRODUCT", "Late Product");
        deliver(unknown, 1);
        long id = ((Number) lastNotification(unknown.saleId()).get("id")).longValue();
        Session s = admin();
        List<Map<String, Object>> failed = as(s).get("/api/notifications?status=failed&channel=ins").jsonPath().getList("$");
        assertThat(failed).extracting(n -> n.get("order_ref")).contains(unknown.saleId());
        assertThat(as(s).get("/api/notifications?order=" + unknown.saleId() + "&from=2000-01-01&to=2999-12-31").jsonPath()
                .getList("$")).hasSize(1);
        as(s).get("/api/notifications?from=yesterday").then().statusCode(400);
        JsonPath detail = as(s).get("/api/notifications/" + id).jsonPath();
        assertThat(detail.getString("raw_body")).contains("item_id_1=LATE-PRODUCT", "md5_hash=");
        assertThat(detail.getString("verification")).contains("md5_hash");
        assertThat(detail.getString("error")).contains("unknown product 'LATE-PRODUCT'");

        // The vendor maps the product, then looks before replaying: the dry run says a license would be
        // issued, and nothing changes.
        long connectorId = connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'acme-suite'", Long.class);
        as(s).body(Map.of("productCode", "LATE-PRODUCT", "name", "Late Product", "licenseType", "perpetual"))
                .post("/api/connectors/" + connectorId + "/mappings").then().statusCode(201);
        JsonPath dry = as(s).body(Map.of("ids", List.of(id), "dryRun", true)).post("/api/notifications/replay").jsonPath();
        assertThat(dry.getBoolean("dryRun")).isTrue();
        assertThat(dry.getString("results[0].wouldBe")).isEqualTo("PROCESSED");
        assertThat(dry.getString("results[0].summary")).contains("issued 1 license(s) for Late Product");
        assertThat(dry.getList("results[0].licenseChanges")).hasSize(1);
        assertThat(connector.licenses(unknown.saleId())).isEmpty();
        assertThat(lastNotification(unknown.saleId())).containsEntry("status", "FAILED");

        JsonPath replay = as(s).body(Map.of("ids", List.of(id, 987654321L))).post("/api/notifications/replay").jsonPath();
        assertThat(replay.getList("results.queued")).containsExactly(true, false);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(unknown.saleId()).get("status")));
        assertThat(connector.licenses(unknown.saleId())).hasSize(1);
    }

    @Test
    void aTestNotificationGoesThroughTheWholeIntakeAndYieldsATestLicense() {
        Session s = admin();
        long connectorId = connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'acme-suite'", Long.class);
        for (String channel : List.of("ipn", "ins", "keygen")) {
            JsonPath r = as(s).body(Map.of("channel", channel)).post("/api/connectors/" + connectorId + "/test-notification").jsonPath();
            assertThat(r.getBoolean("accepted")).as(channel + ": " + r.prettify()).isTrue();
            String order = r.getString("orderRef");
            await().atMost(Duration.ofSeconds(20)).until(() -> !connector.licenses(order).isEmpty());
            assertThat(connector.licenses(order)).allSatisfy(l -> {
                assertThat(l.get("test")).isEqualTo(true);
                assertThat((String) l.get("code")).startsWith("TEST-");
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentDescribesExactlyTheRoutes() throws Exception {
        String doc = as(admin()).get("/api/openapi.yaml").asString();
        Map<String, Object> openapi = (Map<String, Object>) new org.snakeyaml.engine.v2.api.Load(
                org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(doc);
        // Full paths: the document's server is /api, except where a path names its own (the licensing API).
        java.util.Set<String> documented = new java.util.TreeSet<>();
        ((Map<String, Map<String, Object>>) openapi.get("paths")).forEach((path, ops) -> {
            List<Map<String, Object>> servers = (List<Map<String, Object>>) ops.get("servers");
            String base = servers == null ? "/api" : String.valueOf(servers.get(0).get("url")).replaceAll("/$", "");
            ops.keySet().stream().filter(k -> !k.equals("parameters") && !k.equals("servers"))
                    .forEach(m -> documented.add(m.toUpperCase() + " " + base + path));
        });
        // What the REST DSL defines, read from the route files themselves.
        java.util.Set<String> defined = new java.util.TreeSet<>(
                io.github.twocheckout.connector.support.RestEndpoints.of("routes/api.camel.yaml", "routes/licensing.camel.yaml"));
        assertThat(documented).isEqualTo(defined);
    }

    @Test
    void outsideTheDemoProfileADemoOrEmptyAdminPasswordStopsTheStart() {
        for (String password : List.of("", "demo-admin", "short")) {
            PanelUsers users = new PanelUsers(connector.dataSource());
            users.setProfile("prod");
            users.setAdminPassword(password);
            assertThatThrownBy(users::bootstrap).as(password).hasMessageContaining("refusing to start with profile 'prod'")
                    .hasMessageContaining("PANEL_ADMIN_PASSWORD");
        }
    }
}
