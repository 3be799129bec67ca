package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The licensing API against the running routes and the real database, as the buyer's application uses
 * it: a signed IPN order becomes a license, machines take its seats up to the product's limit, the
 * signed document verifies offline with the published keys (and not once a byte is changed), a refund
 * is seen at the next validation, and guessing is throttled.
 */
class LicensingApiTest extends ConnectorTestBase {

    @Override
    protected Map<String, String> properties() {
        // Each test calls from addresses of its own (the last X-Forwarded-For hop), so that one test's
        // guesses do not throttle another's calls.
        return Map.of("licensing.client-ip-header", "X-Forwarded-For",
                "licensing.guesses-per-address-per-minute", "5", "licensing.calls-per-code-per-minute", "40");
    }

    @Test
    void machinesActivateUpToTheLimitAndTheDocumentVerifiesOfflineUntilARefund() {
        SignedPost order = SignedPost.ipn("COMPLETE").product("5016", "ACME-DESK", "ACME Desktop", 1);
        deliverIpn(order, 1);
        String code = (String) connector.licenses(order.refno()).get(0).get("code");
        String from = "198.51.100.10";

        List<String> documents = new java.util.ArrayList<>();
        for (int machine = 1; machine <= 3; machine++) {
            JsonPath a = call("activate", from, code, "machine-fp-000" + machine, "Laptop " + machine).then().statusCode(200)
                    .extract().jsonPath();
            assertThat(a.getString("status")).isEqualTo("ACTIVE");
            assertThat(a.getBoolean("valid")).isTrue();
            assertThat(a.getInt("seats.used")).isEqualTo(machine);
            assertThat(a.getInt("seats.limit")).isEqualTo(3);
            documents.add(a.getString("license"));
        }
        // The same machine again is not a new seat; a fourth is refused, and the error names the limit.
        call("activate", from, code, "machine-fp-0001", null).then().statusCode(200);
        Response full = call("activate", from, code, "machine-fp-0004", "Desktop");
        assertThat(full.statusCode()).isEqualTo(409);
        assertThat(full.jsonPath().getString("error")).contains("3 of 3", "maxActivations 3");
        assertThat(seats(code)).isEqualTo(3);

        // Offline: the document verifies with the published keys, and names this license and this machine.
        LicenseVerifier verifier = LicenseVerifier.ofKeys(connector.http().get("/.well-known/jwks.json").then().statusCode(200)
                .extract().asString());
        LicenseVerifier.Result ok = verifier.verify(documents.get(1), false, Instant.now());
        assertThat(ok.valid()).as(ok.reason()).isTrue();
        assertThat(ok.claims()).containsEntry("aud", "live").containsEntry("sub", code);
        assertThat((Map<String, Object>) ok.claims().get("machine")).containsEntry("fingerprint", "machine-fp-0002")
                .containsEntry("name", "Laptop 2");
        assertThat((Map<String, Object>) ok.claims().get("product")).containsEntry("code", "ACME-DESK").containsEntry("edition", "Business");
        assertThat((Map<String, Object>) ok.claims().get("entitlements")).containsEntry("maxActivations", 3);
        assertThat((Map<String, Object>) ok.claims().get("licensee")).containsKey("email");
        // One byte changed anywhere (header, claims or signature) and it no longer verifies.
        String doc = documents.get(1);
        for (int at : new int[] {5, doc.indexOf('.') + 10, doc.length() - 3}) {
            char[] c = doc.toCharArray();
            c[at] = c[at] == 'A' ? 'B' : 'A';
            assertThat(verifier.verify(new String(c), false, Instant.now()).valid()).as("changed at " + at).isFalse();
        }

        // Deactivating frees the seat: another machine takes it.
        call("deactivate", from, code, "machine-fp-0002", null).then().statusCode(200);
        call("deactivate", from, code, "machine-fp-0002", null).then().statusCode(404);
        call("activate", from, code, "machine-fp-0004", "Desktop").then().statusCode(200);
        // A machine without a seat is told so, and gets no document.
        JsonPath stranger = call("validate", from, code, "machine-fp-0002", null).then().statusCode(200).extract().jsonPath();
        assertThat(stranger.getBoolean("valid")).isFalse();
        assertThat(stranger.getString("license")).isNull();

        // A refund revokes the license: the next validation sees it, and its document carries no lease.
        deliverIpn(order.copy().set("ORDERSTATUS", "REFUND"), 2);
        JsonPath revoked = call("validate", from, code, "machine-fp-0001", null).then().statusCode(200).extract().jsonPath();
        assertThat(revoked.getString("status")).isEqualTo("REVOKED");
        assertThat(revoked.getBoolean("valid")).isFalse();
        assertThat(revoked.getString("leaseUntil")).isNull();
        LicenseVerifier.Result noLease = verifier.verify(revoked.getString("license"), false, Instant.now());
        assertThat(noLease.valid()).isFalse();
        assertThat(noLease.reason()).contains("no lease");
        call("activate", from, code, "machine-fp-0009", null).then().statusCode(403);

        // The history shows every machine that came and went.
        List<String> events = connector.jdbc().queryForList("""
                SELECT e.event FROM license_event e JOIN license l ON l.id = e.license_id WHERE l.code = ? ORDER BY e.id""",
                String.class, code);
        assertThat(events).filteredOn("ACTIVATED"::equals).hasSize(4);
        assertThat(events).filteredOn("DEACTIVATED"::equals).hasSize(1);
    }

    @Test
    void aCodeForAWholeLineHasSeatsForItsQuantityAndATestLicenseNeverVerifiesAsLive() {
        SignedPost site = SignedPost.ipn("COMPLETE").product("5003", "ACME-SITE", "ACME Site License", 2).set("TEST_ORDER", "1");
        deliverIpn(site, 1);
        Map<String, Object> license = connector.licenses(site.refno()).get(0);
        String code = (String) license.get("code");
        String from = "198.51.100.20";
        call("activate", from, code, "site-machine-1", null).then().statusCode(200);
        JsonPath second = call("activate", from, code, "site-machine-2", null).then().statusCode(200).extract().jsonPath();
        call("activate", from, code, "site-machine-3", null).then().statusCode(409);
        assertThat(second.getBoolean("test")).isEqualTo(Boolean.TRUE.equals(license.get("test")));
        if (Boolean.TRUE.equals(license.get("test"))) {
            LicenseVerifier verifier = LicenseVerifier.ofKeys(connector.http().get("/.well-known/jwks.json").asString());
            LicenseVerifier.Result live = verifier.verify(second.getString("license"), false, Instant.now());
            assertThat(live.valid()).isFalse();
            assertThat(live.reason()).contains("test license");
            assertThat(verifier.verify(second.getString("license"), true, Instant.now()).valid()).isTrue();
        }
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        SignedPost order = SignedPost.ipn("COMPLETE").product("5016", "ACME-DESK", "ACME Desktop", 1);
        deliverIpn(order, 1);
        String code = (String) connector.licenses(order.refno()).get(0).get("code");
        String from = "198.51.100.30";
        Map<String, Object> noFingerprint = Map.of("code", code);
        assertThat(post("activate", from, noFingerprint).then().statusCode(400).extract().jsonPath().getString("error"))
                .contains("fingerprint");
        post("activate", from, Map.of("code", code, "fingerprint", "short")).then().statusCode(400);
        post("activate", from, Map.of("code", code, "fingerprint", "has spaces in it")).then().statusCode(400);
        post("activate", from, Map.of("code", code, "fingerprint", "machine-fp-x1", "machineName", "x".repeat(101))).then().statusCode(400);
        connector.http().header("X-Forwarded-For", from).contentType("application/json").body("[not json")
                .post("/v1/licenses/activate").then().statusCode(400);
        assertThat(seats(code)).isZero();
        // Codes are not case-sensitive, and nothing but JSON comes back.
        Response lower = call("activate", from, code.toLowerCase(java.util.Locale.ROOT), "machine-fp-lower", null);
        lower.then().statusCode(200).contentType("application/json");
        assertThat(seats(code)).isEqualTo(1);
    }

    @Test
    void guessingCodesIsThrottledPerAddressAndPerCode() {
        String guesser = "203.0.113.66";
        Response last = null;
        // 5 unknown codes a minute; within twice that many calls the address is refused (a minute may turn).
        for (int i = 0; i < 11 && (last == null || last.statusCode() != 429); i++) {
            last = call("validate", guesser, "ACME-GUESS-" + i, "guessing-machine", null);
            assertThat(last.statusCode()).isIn(404, 429);
            if (last.statusCode() == 404) {
                assertThat(last.jsonPath().getString("error")).isEqualTo("no such license code");
            }
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.getHeader("Retry-After")).isNotBlank();
        // Another address is not affected.
        SignedPost order = SignedPost.ipn("COMPLETE").product("5016", "ACME-DESK", "ACME Desktop", 1);
        deliverIpn(order, 1);
        String code = (String) connector.licenses(order.refno()).get(0).get("code");
        call("activate", "198.51.100.40", code, "machine-fp-t1", null).then().statusCode(200);
        // One code, from many addresses: at most 40 calls a minute.
        int status = 200;
        for (int i = 0; i < 81 && status != 429; i++) {
            status = call("validate", "198.51.100." + (100 + i % 100), code, "machine-fp-t1", null).statusCode();
            assertThat(status).isIn(200, 429);
        }
        assertThat(status).isEqualTo(429);
    }

    @Test
    void keysArePublishedRotatedAndStoredEncrypted() {
        SignedPost order = SignedPost.ipn("COMPLETE").product("5016", "ACME-DESK", "ACME Desktop", 1);
        deliverIpn(order, 1);
        String code = (String) connector.licenses(order.refno()).get(0).get("code");
        String before = call("activate", "198.51.100.50", code, "machine-fp-k1", null).then().statusCode(200).extract()
                .jsonPath().getString("license");
        // The private keys are stored encrypted, and no answer carries one.
        assertThat(connector.jdbc().queryForList("SELECT encrypted FROM signing_key", Boolean.class)).containsOnly(true);
        String keys = connector.api().get("/api/licensing/keys").then().statusCode(200).extract().asString();
        assertThat(keys).doesNotContainIgnoringCase("private").contains(kid(before));

        // The API token acts with the support role: rotating is the admin's. Nothing logged or answered
        // carries the key that encrypts the private keys.
        connector.api().post("/api/licensing/keys/rotate").then().statusCode(403);
        try (io.github.twocheckout.connector.support.LogCapture log = new io.github.twocheckout.connector.support.LogCapture()) {
            String answer = connector.admin().post("/api/licensing/keys/rotate").then().statusCode(200).extract().asString();
            assertThat(answer).doesNotContain(io.github.twocheckout.connector.support.RunningConnector.KEY_ENCRYPTION_KEY);
            assertThat(log.lines()).anyMatch(l -> l.contains("rotated to key"));
            assertThat(log.text()).doesNotContain(io.github.twocheckout.connector.support.RunningConnector.KEY_ENCRYPTION_KEY);
        }

        String after = call("validate", "198.51.100.50", code, "machine-fp-k1", null).then().statusCode(200).extract()
                .jsonPath().getString("license");
        assertThat(kid(after)).isNotEqualTo(kid(before));
        LicenseVerifier verifier = LicenseVerifier.ofKeys(connector.http().get("/.well-known/jwks.json").asString());
        assertThat(verifier.verify(before, false, Instant.now()).valid()).as("signed before the rotation").isTrue();
        assertThat(verifier.verify(after, false, Instant.now()).valid()).as("signed after").isTrue();

        // The panel's release of a machine frees its seat and is in the history under the admin's name.
        long licenseId = connector.jdbc().queryForObject("SELECT id FROM license WHERE code = ?", Long.class, code);
        long activationId = connector.jdbc().queryForObject(
                "SELECT id FROM license_activation WHERE license_id = ? AND released_at IS NULL", Long.class, licenseId);
        JsonPath released = connector.admin().post("/api/licenses/" + licenseId + "/activations/" + activationId + "/release")
                .then().statusCode(200).extract().jsonPath();
        assertThat(released.getString("activations[0].released_by")).isEqualTo("admin");
        assertThat(seats(code)).isZero();
        connector.admin().post("/api/licenses/" + licenseId + "/activations/" + activationId + "/release").then().statusCode(404);
        assertThat(connector.jdbc().queryForObject("""
                SELECT actor FROM license_event WHERE license_id = ? AND event = 'DEACTIVATED'""", String.class, licenseId))
                .isEqualTo("admin");
        assertThat(connector.api().get("/api/reports/activations-per-day").then().statusCode(200).extract().jsonPath()
                .getLong("activated")).isPositive();
    }

    private Response call(String action, String from, String code, String fingerprint, String machineName) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("fingerprint", fingerprint);
        if (machineName != null) {
            body.put("machineName", machineName);
        }
        return post(action, from, body);
    }

    private Response post(String action, String from, Map<String, Object> body) {
        return connector.http().header("X-Forwarded-For", from).contentType("application/json").body(body)
                .post("/v1/licenses/" + action);
    }

    private int seats(String code) {
        return connector.jdbc().queryForObject("""
                SELECT count(*) FROM license_activation a JOIN license l ON l.id = a.license_id
                WHERE l.code = ? AND a.released_at IS NULL""", Integer.class, code);
    }

    private static String kid(String jws) {
        String header = new String(Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.'))), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }
}
