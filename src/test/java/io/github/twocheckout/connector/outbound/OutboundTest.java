package io.github.twocheckout.connector.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.WebhookSignature;
import io.github.twocheckout.connector.simulator.IdnEndpoint;
import io.github.twocheckout.connector.simulator.WebhookReceiver;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What the connector tells others, end to end over HTTP against the running routes and the shared
 * database: the delivery confirmation (IDN) to a simulated 2Checkout, and license events to a webhook
 * receiver that verifies every signature and to a file through a user route.
 */
class OutboundTest extends ConnectorTestBase {

    private static final String KEY = "hooli-key-2026";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IdnEndpoint idn;
    private final Path routes;
    private final Path eventFiles;
    private final List<Long> destinations = new ArrayList<>();

    OutboundTest() throws Exception {
        idn = IdnEndpoint.start(0, Map.of("HOOLI", KEY), HmacAlgorithm.SHA256, "ORDER_HASH", null);
        // The repository's routes and the README's example user route, as an integration engineer would add it.
        routes = Files.createTempDirectory(Path.of("target"), "outbound-routes");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("docs/examples/my-events.camel.yaml"), routes.resolve("my-events.camel.yaml"));
        eventFiles = Files.createTempDirectory(Path.of("target"), "outbound-events");
    }

    @Override
    protected Map<String, String> properties() {
        return Map.of("idn.url", idn.url(), "idn.max-attempts", "4", "events.max-attempts", "3",
                "connector.routes-dir", routes.toString(), "my-events.directory", eventFiles.toString(),
                "alerts.enabled", "false");
    }

    @AfterAll
    void stopServers() {
        // The destinations point at this test's ports: later tests on the shared database must not find them.
        destinations.forEach(id -> connector.jdbc().update("DELETE FROM event_destination WHERE id = ?", id));
        idn.close();
    }

    private Response keygen(String order, String pid, String pcode, int qty) {
        SignedPost call = SignedPost.keygen(order, pid, pcode, qty).key(KEY).set("MERCHANT", "HOOLI");
        return connector.http().contentType("application/x-www-form-urlencoded").body(call.body()).post("/2co/keygen?merchant=HOOLI");
    }

    private SignedPost ipnComplete(String order, String pid, String pcode, int qty) {
        return SignedPost.ipn("HOOLI", KEY, order, "COMPLETE").product(pid, pcode, "Hooli", qty)
                .set("IPN_TOTALGENERAL", "98.00").set("CURRENCY", "EUR");
    }

    private static String order() {
        return String.valueOf(700_000_000L + SignedPost.nextNumber());
    }

    private Map<String, Object> idnRow(String order) {
        return connector.jdbc().queryForMap("SELECT * FROM idn_outbox WHERE order_ref = ?", order);
    }

    private List<IdnEndpoint.Call> idnCalls(String order) {
        return idn.calls().stream().filter(c -> order.equals(c.form().get("ORDER_REF"))).toList();
    }

    @Test
    void anOrderThroughTheKeyGeneratorAndIpnIsConfirmedToTwoCheckoutOnceWithAValidSignature() {
        String order = order();
        keygen(order, "8001", "HOO-PRO", 2).then().statusCode(200);
        // The key generator's half alone is not enough: 2Checkout has not completed the order yet.
        assertThat(idnRow(order).get("ipn_complete_at")).isNull();
        deliverIpn(ipnComplete(order, "8001", "HOO-PRO", 2), 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> "CONFIRMED".equals(idnRow(order).get("status")));
        List<IdnEndpoint.Call> calls = idnCalls(order);
        assertThat(calls).hasSize(1);
        IdnEndpoint.Call call = calls.get(0);
        assertThat(call.signatureValid()).isTrue();
        assertThat(new ArrayList<>(call.form().keySet()))
                .containsExactly("MERCHANT", "ORDER_REF", "ORDER_AMOUNT", "ORDER_CURRENCY", "IDN_DATE", "ORDER_HASH");
        assertThat(call.form()).containsEntry("MERCHANT", "HOOLI").containsEntry("ORDER_AMOUNT", "98.00")
                .containsEntry("ORDER_CURRENCY", "EUR");
        assertThat(call.form().get("IDN_DATE")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        Map<String, Object> row = idnRow(order);
        assertThat(row.get("response_code")).isEqualTo("1");
        assertThat(row.get("attempts")).isEqualTo(1);

        // The IPN processed again (a replay): the order was confirmed, nothing goes out again.
        long ipnId = ((Number) connector.jdbc().queryForObject(
                "SELECT id FROM notification WHERE order_ref = ? AND channel = 'IPN'", Long.class, order)).longValue();
        Object processedBefore = connector.jdbc().queryForObject("SELECT processed_at FROM notification WHERE id = ?", Object.class, ipnId);
        connector.api().post("/api/notifications/" + ipnId + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.jdbc().queryForObject(
                "SELECT status = 'PROCESSED' AND processed_at > ? FROM notification WHERE id = ?", Boolean.class, processedBefore, ipnId));
        assertThat(idnRow(order).get("status")).isEqualTo("CONFIRMED");
        assertThat(idnRow(order).get("attempts")).isEqualTo(1);
        assertThat(idnCalls(order)).hasSize(1);
        Map<?, ?>[] listed = connector.api().queryParam("order", order).get("/api/idn").then().statusCode(200).extract().as(Map[].class);
        assertThat(listed).hasSize(1);
        assertThat(listed[0].get("status")).isEqualTo("CONFIRMED");
        // Paged like every list: the total in X-Total-Count, a page past it empty.
        assertThat(connector.api().queryParam("order", order).queryParam("offset", 1).get("/api/idn").then().statusCode(200)
                .header("X-Total-Count", "1").extract().as(Map[].class)).isEmpty();
    }

    @Test
    void aConfirmationThatTwoCheckoutRefusedTwiceIsRetriedUntilAccepted() {
        String order = order();
        idn.failNext(2);
        // IPN first this time, the key generator's answer second.
        deliverIpn(ipnComplete(order, "8001", "HOO-PRO", 1), 1);
        assertThat(idnRow(order).get("codes_answered_at")).isNull();
        keygen(order, "8001", "HOO-PRO", 1).then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(idnRow(order).get("status")));
        List<IdnEndpoint.Call> calls = idnCalls(order);
        assertThat(calls).extracting(IdnEndpoint.Call::httpStatus).containsExactly(503, 503, 200);
        assertThat(calls).allMatch(c -> c.signatureValid() || c.httpStatus() == 503);
        assertThat(idnRow(order).get("attempts")).isEqualTo(3);
        assertThat(idnRow(order).get("last_error")).isNull();
    }

    @Test
    void aConfirmationGivenUpOnIsFailedAlertedAndRetriedFromTheApi() {
        String order = order();
        idn.failNext(100);
        keygen(order, "8001", "HOO-PRO", 1).then().statusCode(200);
        deliverIpn(ipnComplete(order, "8001", "HOO-PRO", 1), 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(idnRow(order).get("status")));
        assertThat(idnRow(order).get("attempts")).isEqualTo(4);
        assertThat((String) idnRow(order).get("last_error")).contains("503");
        awaitMails("delivery confirmation (IDN) of order " + order, 1);
        assertThat(recipients(mailsAbout(order).get(0))).contains("licensing@hooli.test").contains("support@operator.test");

        idn.failNext(0);
        long id = ((Number) idnRow(order).get("id")).longValue();
        connector.api().post("/api/idn/" + id + "/retry").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "CONFIRMED".equals(idnRow(order).get("status")));
        assertThat(idnCalls(order).stream().filter(c -> c.httpStatus() == 200)).hasSize(1);
    }

    private long addDestination(String name, String uri, String secret) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("connectorId", connectorId(), "name", name, "uri", uri));
        if (secret != null) {
            body.put("secret", secret);
        }
        Response r = connector.admin().contentType("application/json").body(body).post("/api/event-destinations");
        r.then().statusCode(201);
        long id = r.jsonPath().getLong("id");
        destinations.add(id);
        // Secrets are write-only.
        assertThat(r.asString()).doesNotContain(secret == null ? "whsec_" : secret);
        return id;
    }

    private long connectorId() {
        return connector.jdbc().queryForObject("SELECT c.id FROM connector c JOIN vendor v ON v.id = c.vendor_id WHERE v.code = 'hooli'",
                Long.class);
    }

    @Test
    void everyLicenseChangeIsOneSignedEventPerDestinationInOrderAlsoThroughADownReceiver() throws Exception {
        String secret = WebhookSignature.newSecret();
        try (WebhookReceiver receiver = WebhookReceiver.start(0, secret, null)) {
            long webhook = addDestination("crm-" + SignedPost.nextNumber(), receiver.url(), secret);
            long files = addDestination("files-" + SignedPost.nextNumber(), "direct:my-events", null);
            String order = order();

            keygen(order, "8001", "HOO-PRO", 1).then().statusCode(200);
            String code = (String) connector.licenses(order).get(0).get("code");
            await().atMost(Duration.ofSeconds(20)).until(() -> types(receiver, code).size() == 1);

            // The receiver is down for a while: the refund's revoke and the admin's reinstate wait, in order.
            receiver.down(true);
            deliverIpn(SignedPost.ipn("HOOLI", KEY, order, "REFUND").product("8001", "HOO-PRO", "Hooli", 1), 2);
            long licenseId = ((Number) connector.licenses(order).get(0).get("id")).longValue();
            connector.admin().contentType("application/json").body(Map.of("reason", "refund reversed by hand"))
                    .post("/api/licenses/" + licenseId + "/reinstate").then().statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveries().stream().filter(d -> d.answered() == 503).count() >= 2);
            receiver.down(false);

            await().atMost(Duration.ofSeconds(30)).until(() -> types(receiver, code).size() == 3);
            assertThat(types(receiver, code)).containsExactly("license.issued", "license.revoked", "license.reinstated");
            // Every delivery carried a signature the receiver verified (the refused ones were answered 503, not 401).
            assertThat(receiver.deliveries()).noneMatch(d -> d.answered() == 401);
            assertThat(receiver.deliveries()).allMatch(WebhookReceiver.Delivery::verified);
            // The same event, the same id on every attempt; never a secret in the body.
            JsonNode issued = JSON.readTree(receiver.verifiedBodies().stream().filter(b -> b.contains(code)).findFirst().orElseThrow());
            assertThat(issued.path("data").path("schemaVersion").asInt()).isEqualTo(1);
            assertThat(issued.path("data").path("license").path("orderRef").asText()).isEqualTo(order);
            assertThat(issued.path("data").path("license").path("product").path("code").asText()).isEqualTo("HOO-PRO");
            assertThat(receiver.verifiedBodies()).noneMatch(b -> b.contains(KEY) || b.contains("whsec_"));

            // The same three events, once each, as files by the user route.
            await().atMost(Duration.ofSeconds(20)).until(() -> eventsInFiles(code).size() == 3);
            assertThat(eventsInFiles(code)).containsExactlyInAnyOrder("license.issued", "license.revoked", "license.reinstated");
            assertThat(connector.jdbc().queryForObject(
                    "SELECT count(*) FROM event_outbox WHERE license_id = ? AND status = 'SENT'", Integer.class, licenseId)).isEqualTo(6);
            assertThat(connector.api().queryParam("destination", webhook).get("/api/events").then().statusCode(200).extract()
                    .jsonPath().getList("status")).containsOnly("SENT");
            assertThat(connector.api().queryParam("destination", files).get("/api/events").then().statusCode(200).extract()
                    .jsonPath().getList("status")).hasSize(3).containsOnly("SENT");
            // A page at a time, oldest first on request, the total in X-Total-Count.
            assertThat(connector.api().queryParam("destination", files).queryParam("sort", "id").queryParam("limit", 2)
                    .get("/api/events").then().statusCode(200).header("X-Total-Count", "3").extract()
                    .jsonPath().getList("event_type")).containsExactly("license.issued", "license.revoked");
            assertThat(connector.api().queryParam("destination", files).queryParam("sort", "id").queryParam("limit", 2)
                    .queryParam("offset", 2).get("/api/events").then().statusCode(200).header("X-Total-Count", "3").extract()
                    .jsonPath().getList("event_type")).containsExactly("license.reinstated");
        }
    }

    @Test
    void aDeliveryGivenUpOnIsDeadLetteredAlertedAndReplayedAndNoSecretIsLogged() throws Exception {
        String secret = WebhookSignature.newSecret();
        try (WebhookReceiver receiver = WebhookReceiver.start(0, secret, null);
             io.github.twocheckout.connector.support.LogCapture log = new io.github.twocheckout.connector.support.LogCapture()) {
            receiver.down(true);
            long webhook = addDestination("warehouse-" + SignedPost.nextNumber(), receiver.url(), secret);
            String order = order();
            keygen(order, "8001", "HOO-PRO", 1).then().statusCode(200);
            String code = (String) connector.licenses(order).get(0).get("code");
            await().atMost(Duration.ofSeconds(30)).until(() -> connector.jdbc().queryForObject(
                    "SELECT count(*) FROM event_outbox WHERE destination_id = ? AND status = 'FAILED'", Integer.class, webhook) == 1);
            awaitMails("could not be delivered", 1);

            receiver.down(false);
            connector.api().post("/api/event-destinations/" + webhook + "/replay").then().statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> types(receiver, code).equals(List.of("license.issued")));
            assertThat(log.lines()).anyMatch(l -> l.contains("FAILED after 3 attempt(s)"));
            assertThat(log.text()).doesNotContain(secret).doesNotContain(secret.substring(6)).doesNotContain(KEY);
            String mail = text(mailsAbout("could not be delivered").get(0));
            assertThat(mail).doesNotContain(secret.substring(6)).doesNotContain(KEY);
        }
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneUntilTheRotationEndsAndActivationsAreEvents() throws Exception {
        String oldSecret = WebhookSignature.newSecret();
        String newSecret = WebhookSignature.newSecret();
        try (WebhookReceiver oldReceiver = WebhookReceiver.start(0, oldSecret, null)) {
            long webhook = addDestination("license-server-" + SignedPost.nextNumber(), oldReceiver.url(), oldSecret);
            Response rotated = connector.admin().contentType("application/json").body(Map.of("secret", newSecret, "rotate", true))
                    .put("/api/event-destinations/" + webhook);
            rotated.then().statusCode(200);
            assertThat(rotated.jsonPath().getBoolean("secret_previous_set")).isTrue();
            assertThat(rotated.asString()).doesNotContain(newSecret).doesNotContain(oldSecret);

            String order = order();
            keygen(order, "8001", "HOO-PRO", 1).then().statusCode(200);
            String code = (String) connector.licenses(order).get(0).get("code");
            // The buyer's application activates it: an event too.
            connector.http().contentType("application/json").body(Map.of("code", code, "fingerprint", "rotation-machine-1"))
                    .post("/v1/licenses/activate").then().statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> types(oldReceiver, code).size() == 2);
            assertThat(types(oldReceiver, code)).containsExactly("license.issued", "license.activated");
            // Both secrets signed: a receiver that already has the new one verifies the same deliveries.
            WebhookReceiver.Delivery d = oldReceiver.deliveries().stream().filter(x -> x.body().contains(code)).findFirst().orElseThrow();
            assertThat(d.signature().split(" ")).hasSize(2);
            assertThat(WebhookSignature.verify(newSecret, d.id(), d.timestamp(), d.body(), d.signature(),
                    Long.parseLong(d.timestamp()), 300)).isTrue();

            connector.admin().contentType("application/json").body(Map.of("endRotation", true))
                    .put("/api/event-destinations/" + webhook).then().statusCode(200);
            connector.http().contentType("application/json").body(Map.of("code", code, "fingerprint", "rotation-machine-1"))
                    .post("/v1/licenses/deactivate").then().statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> oldReceiver.deliveries().stream()
                    .filter(x -> x.body().contains(code)).count() == 3);
            WebhookReceiver.Delivery last = oldReceiver.deliveries().stream().filter(x -> x.body().contains("license.deactivated")
                    && x.body().contains(code)).findFirst().orElseThrow();
            assertThat(last.signature().split(" ")).hasSize(1);
            assertThat(last.verified()).as("the old secret no longer signs").isFalse();
            assertThat(WebhookSignature.verify(newSecret, last.id(), last.timestamp(), last.body(), last.signature(),
                    Long.parseLong(last.timestamp()), 300)).isTrue();
        }
    }

    /** The types of the verified events about this license code, in the order they arrived. */
    private static List<String> types(WebhookReceiver receiver, String code) {
        return receiver.verifiedBodies().stream().filter(b -> b.contains(code)).map(b -> {
            try {
                return JSON.readTree(b).path("type").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private List<String> eventsInFiles(String code) throws Exception {
        try (Stream<Path> files = Files.list(eventFiles)) {
            List<String> types = new ArrayList<>();
            for (Path f : files.toList()) {
                String body = Files.readString(f);
                if (body.contains(code)) {
                    types.add(JSON.readTree(body).path("type").asText());
                }
            }
            return types;
        }
    }
}
