package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.LicenseServer;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Codes from the vendor's license server (a local HTTP server that fails, times out and recovers) and
 * from a route of the integration engineer's own, end to end for the key generator, IPN and INS: one
 * license per unit, one code per idempotency key, the notification waiting meanwhile.
 */
class RemoteCodeSourceTest extends ConnectorTestBase {

    private static final String KEY = "pied-key-2026";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LicenseServer server;
    private final Path routes;

    RemoteCodeSourceTest() throws Exception {
        server = new LicenseServer();
        routes = Files.createTempDirectory(Path.of("target"), "code-source-routes");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("docs/examples/my-codes.camel.yaml"), routes.resolve("my-codes.camel.yaml"));
    }

    @Override
    protected Map<String, String> properties() {
        return Map.of("connector.routes-dir", routes.toString(), "my-codes.secret", "test-only-secret-of-my-codes");
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    private long connectorId(String code) {
        return connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = ?", Long.class, code);
    }

    private void source(String connectorCode, String source, String uri) {
        connector.admin().contentType("application/json").body(Map.of("codeSource", source, "codeSourceUri", uri))
                .put("/api/connectors/" + connectorId(connectorCode)).then().statusCode(200);
    }

    private Response keygen(String order, String pid, String pcode, int qty) {
        SignedPost call = SignedPost.keygen(order, pid, pcode, qty).key(KEY).set("MERCHANT", "PIED");
        return connector.http().contentType("application/x-www-form-urlencoded").body(call.body()).post("/2co/keygen?merchant=PIED");
    }

    private static String order() {
        return String.valueOf(730_000_000L + SignedPost.nextNumber());
    }

    private List<String> codes(String order) {
        return connector.licenses(order).stream().map(l -> (String) l.get("code")).toList();
    }

    private String key(String order, String pcode, int unit) {
        long mapping = connector.jdbc().queryForObject("SELECT id FROM product_mapping WHERE product_code = ?", Long.class, pcode);
        return "piedpiper:" + order + ":" + mapping + ":" + unit;
    }

    @Test
    void theKeyGeneratorAnswersWithTheLicenseServersCodesAskedForWithTheLicensesIdentity() throws Exception {
        source("pied-remote", "remote", server.url());
        String order = order();
        Response answer = keygen(order, "9004", "PIED-REMOTE", 2);
        answer.then().statusCode(200);
        String first = server.codes.get(key(order, "PIED-REMOTE", 1));
        String second = server.codes.get(key(order, "PIED-REMOTE", 2));
        assertThat(codes(order)).containsExactly(first, second);
        assertThat(answer.asString()).contains(first, second);
        JsonNode request = JSON.readTree(server.calls.stream().filter(c -> c.get("key").equals(key(order, "PIED-REMOTE", 1)))
                .findFirst().orElseThrow().get("body"));
        assertThat(request.path("vendor").asText()).isEqualTo("piedpiper");
        assertThat(request.path("order").asText()).isEqualTo(order);
        assertThat(request.path("unit").asInt()).isEqualTo(1);
        assertThat(request.path("product").path("code").asText()).isEqualTo("PIED-REMOTE");
        assertThat(request.path("licensee").path("email").asText()).isEqualTo("zoe@buyer.test");
        assertThat(request.path("quantity").asInt()).isEqualTo(1);
        assertThat(request.path("test").asBoolean()).isFalse();
        // IPN completes the order: the licenses exist, the server is not asked again.
        long calls = server.calls.size();
        deliverIpn(SignedPost.ipn("PIED", KEY, order, "COMPLETE").product("9004", "PIED-REMOTE", "Pied Remote", 2), 2);
        assertThat(server.calls.size()).isEqualTo(calls);
    }

    @Test
    void anIpnWaitsWhileTheServerFailsAndTimesOutAndGetsOneLicenseWhenItRecovers() {
        source("pied-remote", "remote", server.url());
        server.failNext.set(2);
        server.slowNext.set(1);
        String order = order();
        postIpn(SignedPost.ipn("PIED", KEY, order, "COMPLETE").product("9004", "PIED-REMOTE", "Pied Remote", 1)).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "PARKED".equals(lastNotification(order).get("status")));
        await().atMost(Duration.ofSeconds(60)).until(() -> "PROCESSED".equals(lastNotification(order).get("status")));
        String key = key(order, "PIED-REMOTE", 1);
        assertThat(codes(order)).containsExactly(server.codes.get(key));
        assertThat(server.callsFor(key)).isGreaterThanOrEqualTo(4); // two failures, a timeout, then the answer
        assertThat(connector.jdbc().queryForObject("SELECT status FROM code_request WHERE idempotency_key = ?", String.class, key))
                .isEqualTo("DONE");
    }

    @Test
    void aKeyGeneratorCallTheServerCannotAnswerIs503AndTheRetryGetsTheCode() {
        source("pied-remote", "remote", server.url());
        server.failNext.set(1_000);
        String order = order();
        keygen(order, "9004", "PIED-REMOTE", 1).then().statusCode(503);
        assertThat(connector.licenses(order)).isEmpty();
        server.failNext.set(0);
        String key = key(order, "PIED-REMOTE", 1);
        // The reservation is asked for in the background meanwhile; 2Checkout's retry of the call gets its code.
        await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(connector.jdbc().queryForObject(
                "SELECT status FROM code_request WHERE idempotency_key = ?", String.class, key)));
        Response retry = keygen(order, "9004", "PIED-REMOTE", 1);
        retry.then().statusCode(200);
        assertThat(codes(order)).containsExactly(server.codes.get(key));
        assertThat(retry.asString()).contains(server.codes.get(key));
    }

    @Test
    void aRouteOfYourOwnIsACodeSourceForKeyGeneratorIpnAndIns() {
        source("pied-route", "route", "direct:my-codes");
        String order = order();
        keygen(order, "9005", "PIED-ROUTE", 1).then().statusCode(200);
        assertThat(codes(order)).singleElement().asString().matches("MY-[0-9a-f]{64}");
        String ipnOrder = order();
        deliverIpn(SignedPost.ipn("PIED", KEY, ipnOrder, "COMPLETE").product("9005", "PIED-ROUTE", "Pied Route", 1), 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> codes(ipnOrder).size() == 1);
        assertThat(codes(ipnOrder).get(0)).startsWith("MY-").isNotEqualTo(codes(order).get(0));
        InsPost sale = InsPost.vendor("ORDER_CREATED", "4094", "pied-word").item("PIED-ROUTE", "Pied Route");
        postInsOk(sale);
        await().atMost(Duration.ofSeconds(30)).until(() -> codes(sale.saleId()).size() == 1);
        assertThat(codes(sale.saleId()).get(0)).startsWith("MY-");
    }

    @Test
    void anInsSaleOfARemoteConnectorGetsTheServersCode() {
        source("pied-remote", "remote", server.url());
        InsPost sale = InsPost.vendor("ORDER_CREATED", "4094", "pied-word").item("PIED-REMOTE", "Pied Remote");
        postInsOk(sale);
        await().atMost(Duration.ofSeconds(30)).until(() -> codes(sale.saleId()).size() == 1);
        assertThat(codes(sale.saleId())).containsExactly(server.codes.get(key(sale.saleId(), "PIED-REMOTE", 1)));
    }
}
