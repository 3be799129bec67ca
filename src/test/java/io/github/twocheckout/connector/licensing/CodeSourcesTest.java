package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Where codes come from, end to end against the running routes and the shared database: a connector's
 * own built-in format, and a pool of loaded codes drawn by the key generator, IPN and INS, in order,
 * each once, also by two instances at once; an empty pool fails clearly and a replay after loading
 * codes succeeds; a low pool is alerted.
 */
class CodeSourcesTest extends ConnectorTestBase {

    private static final String KEY = "pied-key-2026";

    private Response keygen(RunningConnector on, String order, String pid, String pcode, int qty, boolean test) {
        SignedPost call = SignedPost.keygen(order, pid, pcode, qty).key(KEY).set("MERCHANT", "PIED").set("TESTORDER", test ? "YES" : "NO");
        return on.http().contentType("application/x-www-form-urlencoded").body(call.body()).post("/2co/keygen?merchant=PIED");
    }

    private static String order() {
        return String.valueOf(720_000_000L + SignedPost.nextNumber());
    }

    private long connectorId(String code) {
        return connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = ?", Long.class, code);
    }

    private List<String> codes(String order) {
        return connector.licenses(order).stream().map(l -> (String) l.get("code")).toList();
    }

    private int available(String connectorCode) {
        return connector.api().get("/api/connectors/" + connectorId(connectorCode) + "/pool").then().statusCode(200)
                .extract().jsonPath().getInt("available");
    }

    @Test
    void aBuiltInConnectorMakesCodesInItsOwnFormat() {
        String order = order();
        keygen(connector, order, "9002", "PIED-FMT", 2, false).then().statusCode(200);
        assertThat(codes(order)).hasSize(2).allMatch(c -> c.matches("PF-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}"));
    }

    @Test
    void aFormatUnder100BitsIsRefused() {
        Response r = connector.admin().contentType("application/json").body(Map.of("codeLength", 12))
                .put("/api/connectors/" + connectorId("pied-format"));
        r.then().statusCode(400);
        assertThat(r.asString()).contains("at least 100");
    }

    @Test
    void poolCodesAreHandedOutInOrderOncePerUnitByKeygenIpnAndIns() {
        // The configuration's file was loaded at start (by every connector of the test JVM: a file loaded again adds nothing).
        assertThat(connector.jdbc().queryForObject("SELECT count(*) FROM license_code_pool WHERE code LIKE 'POOL-A%-QX7K'",
                Integer.class)).isEqualTo(8);
        connector.admin().contentType("text/plain").body(IntStream.range(0, 4).mapToObj(i -> "MORE-" + System.nanoTime() + "-" + i)
                .reduce((a, b) -> a + "\n" + b).orElseThrow()).post("/api/connectors/" + connectorId("pied-pool") + "/pool")
                .then().statusCode(200);
        List<String> free = connector.jdbc().queryForList("""
                SELECT code FROM license_code_pool WHERE connector_id = ? AND taken_at IS NULL AND NOT test ORDER BY id""",
                String.class, connectorId("pied-pool"));
        assertThat(free.size()).isGreaterThanOrEqualTo(4);
        String order = order();
        Response answer = keygen(connector, order, "9001", "PIED-POOL", 2, false);
        answer.then().statusCode(200);
        assertThat(codes(order)).containsExactly(free.get(0), free.get(1));
        assertThat(answer.asString()).contains(free.get(0)).contains(free.get(1));
        // IPN completes the same order: the licenses exist, no code is taken.
        int before = available("pied-pool");
        deliverIpn(SignedPost.ipn("PIED", KEY, order, "COMPLETE").product("9001", "PIED-POOL", "Pied Pool", 2), 2);
        assertThat(available("pied-pool")).isEqualTo(before);
        // A new order by IPN, and a sale by INS: the next codes.
        String ipnOrder = order();
        deliverIpn(SignedPost.ipn("PIED", KEY, ipnOrder, "COMPLETE").product("9001", "PIED-POOL", "Pied Pool", 1), 1);
        assertThat(codes(ipnOrder)).containsExactly(free.get(2));
        InsPost sale = InsPost.vendor("ORDER_CREATED", "4094", "pied-word").item("PIED-POOL", "Pied Pool");
        deliver(sale, 1);
        assertThat(codes(sale.saleId())).containsExactly(free.get(3));
        // A test order of a connector without test codes gets a generated test code, no pool code.
        String testOrder = order();
        keygen(connector, testOrder, "9001", "PIED-POOL", 1, true).then().statusCode(200);
        assertThat(codes(testOrder)).singleElement().asString().startsWith("TEST-");
    }

    @Test
    void twoInstancesDrawingFromOnePoolHandOutNoCodeTwiceAndAnEmptyPoolFailsUntilCodesAreLoaded() throws Exception {
        long race = connectorId("pied-race");
        List<String> loaded = IntStream.range(0, 30).mapToObj(i -> "RACE-" + System.nanoTime() + "-" + i).toList();
        Response load = connector.admin().contentType("text/csv").body("code\n" + String.join("\n", loaded)).post("/api/connectors/" + race + "/pool");
        load.then().statusCode(200);
        assertThat(load.jsonPath().getInt("added")).isEqualTo(30);
        List<String> orders = IntStream.range(0, 30).mapToObj(i -> order()).toList();
        try (RunningConnector second = RunningConnector.start()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < orders.size(); i++) {
                RunningConnector on = i % 2 == 0 ? connector : second;
                String order = orders.get(i);
                answers.add(pool.submit(() -> keygen(on, order, "9003", "PIED-RACE", 1, false).statusCode()));
            }
            for (Future<Integer> a : answers) {
                assertThat(a.get()).isEqualTo(200);
            }
            pool.shutdown();
        }
        List<String> handedOut = orders.stream().flatMap(o -> codes(o).stream()).toList();
        assertThat(handedOut).hasSize(30);
        assertThat(new HashSet<>(handedOut)).containsExactlyInAnyOrderElementsOf(loaded);
        assertThat(available("pied-race")).isZero();

        // Empty: the key generator answers 503 (2Checkout asks again), the call is FAILED with the reason.
        String late = order();
        Response refused = keygen(connector, late, "9003", "PIED-RACE", 1, false);
        assertThat(refused.statusCode()).isEqualTo(503);
        Map<String, Object> failed = lastNotification(late);
        assertThat(failed.get("status")).isEqualTo("FAILED");
        assertThat((String) failed.get("last_error")).contains("no codes left");
        assertThat(connector.licenses(late)).isEmpty();
        // An IPN of a new order fails the same way, after its redeliveries.
        String ipnOrder = order();
        postIpn(SignedPost.ipn("PIED", KEY, ipnOrder, "COMPLETE").product("9003", "PIED-RACE", "Pied Race", 1)).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(lastNotification(ipnOrder).get("status")));

        // Codes loaded (JSON this time), both replayed: issued from the new codes.
        connector.admin().contentType("application/json").body(Map.of("codes", List.of("LATE-" + System.nanoTime() + "-1",
                "LATE-" + System.nanoTime() + "-2"))).post("/api/connectors/" + race + "/pool").then().statusCode(200);
        for (String o : List.of(late, ipnOrder)) {
            connector.api().post("/api/notifications/" + lastNotification(o).get("id") + "/replay").then().statusCode(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> codes(late).size() == 1 && codes(ipnOrder).size() == 1);
        assertThat(codes(late).get(0)).startsWith("LATE-");
        assertThat(codes(ipnOrder).get(0)).startsWith("LATE-").isNotEqualTo(codes(late).get(0));
        Set<String> all = new HashSet<>(connector.jdbc().queryForList("SELECT code FROM license WHERE connector_id = ?", String.class, race));
        assertThat(all).hasSize(32);
    }

    @Test
    void aPoolRunningLowIsAlertedOnce() {
        // pied-pool alerts below 4 codes left: drawing until it is there.
        while (available("pied-pool") >= 4) {
            keygen(connector, order(), "9001", "PIED-POOL", 1, false).then().statusCode(200);
        }
        awaitMails("code pool of Pied Pool is running low", 1);
        assertThat(recipients(mailsAbout("code pool of Pied Pool").get(0))).contains("licensing@piedpiper.test");
        // One more code drawn, and the watch has seen it (the gauge): still one alert for this loading.
        keygen(connector, order(), "9001", "PIED-POOL", 1, false).then().statusCode(200);
        int left = available("pied-pool");
        await().atMost(Duration.ofSeconds(10)).until(() -> io.restassured.RestAssured.get(connector.managementUrl() + "/observe/metrics")
                .asString().contains("connector_code_pool_available{connector=\"pied-pool\",vendor=\"piedpiper\"} " + left + ".0"));
        assertThat(connector.jdbc().queryForObject("SELECT count(*) FROM mail_outbox WHERE dedup_key LIKE ?", Integer.class,
                "pool-low:" + connectorId("pied-pool") + ":%")).isEqualTo(1);
    }
}
