package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RawHttp;
import io.github.twocheckout.connector.support.SignedPost;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What hostile callers send that 2Checkout never would, over HTTP against the running routes: each is
 * answered 4xx (never 5xx), recorded, and changes no license; and none of it keeps 2Checkout's own calls
 * or the owner of the panel out.
 */
class HostileHttpTest extends ConnectorTestBase {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final List<String> ENDPOINTS = List.of("/2co/ins", "/2co/ipn", "/2co/lcn", "/2co/keygen");

    @Override
    protected Map<String, String> properties() {
        // INS, IPN and LCN only from this machine's 127.0.0.1: calls from 127.0.0.2 stand for the rest of the world.
        return Map.of("ins.allowed-ips.enabled", "true", "ins.allowed-ips", "127.0.0.1/32",
                "ipn.allowed-ips.enabled", "true", "ipn.allowed-ips", "127.0.0.1/32",
                "lcn.allowed-ips.enabled", "true", "lcn.allowed-ips", "127.0.0.1/32");
    }

    private int rejected(int httpStatus) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM notification WHERE status = 'REJECTED' AND http_status = ?",
                Integer.class, httpStatus);
    }

    private int licensesOf(String orderRef) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM license WHERE order_ref = ?", Integer.class, orderRef);
    }

    @Test
    void getAndOptionsWithAFormBodyAreAnsweredWithoutA5xxAndRecorded() throws Exception {
        String body = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").body();
        int before = rejected(405);
        try (RawHttp http = RawHttp.open(connector.port())) {
            // One connection throughout: each answer leaves it ready for the next call.
            for (String endpoint : ENDPOINTS) {
                RawHttp.Answer get = http.send("GET", endpoint, FORM, body);
                assertThat(get.status()).as("GET " + endpoint).isEqualTo(endpoint.equals("/2co/ins") ? 405 : 200);
                assertThat(http.send("OPTIONS", endpoint, FORM, body).status()).as("OPTIONS " + endpoint).isEqualTo(405);
                assertThat(http.send("OPTIONS", endpoint, "multipart/form-data; boundary=x", "--x--").status()).isEqualTo(405);
            }
        }
        assertThat(rejected(405) - before).isEqualTo(9);
    }

    @Test
    void digitsOfOtherScriptsAreNotQuantities() {
        InsPost ins = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_quantity_1", "３");
        postIns(ins).then().statusCode(400);
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1).set("IPN_QTY[]", "٣");
        postIpn(ipn).then().statusCode(400);
        SignedPost keygen = SignedPost.keygen("5001", "ACME-PRO", 1).set("QUANTITY", "٣");
        postKeygen(keygen).then().statusCode(400);
        postIns(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_quantity_1", "+3")).then().statusCode(400);
        postIns(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_count", "１")).then().statusCode(400);
        assertThat(licensesOf(ins.saleId()) + licensesOf(ipn.refno()) + licensesOf(keygen.refno())).isZero();
    }

    @Test
    void slowBodiesGet408WhileGenuineCallsAreServed() throws Exception {
        int slow = 40;
        List<RawHttp> connections = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(slow);
        try {
            List<CompletableFuture<long[]>> answers = new ArrayList<>();
            for (int i = 0; i < slow; i++) {
                RawHttp c = RawHttp.open(connector.port());
                connections.add(c);
                c.head("POST", ENDPOINTS.get(i % ENDPOINTS.size()), "Content-Type: " + FORM, "Content-Length: 1000");
                c.write("message_ty".getBytes(StandardCharsets.US_ASCII));
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        RawHttp.Answer a = c.read();
                        return new long[] {a.status(), System.nanoTime(), c.closedByServer() ? 1 : 0};
                    } catch (Exception e) {
                        return new long[] {-1, System.nanoTime(), 1};
                    }
                }, readers));
            }
            // 2Checkout's own call, sent while all of them hang: answered at once, not after them.
            InsPost genuine = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            postInsOk(genuine);
            long genuineAnswered = System.nanoTime();
            assertThat(answers).noneMatch(CompletableFuture::isDone);

            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
            for (CompletableFuture<long[]> a : answers) {
                long[] r = a.join();
                assertThat(r[0]).isEqualTo(408);
                assertThat(r[1]).isGreaterThan(genuineAnswered);
                assertThat(r[2]).as("connection closed after the 408").isEqualTo(1);
            }
            awaitSettled(genuine.saleId(), 1);
            assertThat(licensesOf(genuine.saleId())).isEqualTo(1);
        } finally {
            readers.shutdownNow();
            for (RawHttp c : connections) {
                c.close();
            }
        }
    }

    @Test
    void onlyTheFormContentTypeAndTheExactPathsAreServed() throws Exception {
        InsPost ins = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        try (RawHttp http = RawHttp.open(connector.port())) {
            assertThat(http.send("POST", "/2co/ins", "application/x-www-form-urlencoded-x", ins.body()).status()).isEqualTo(415);
            assertThat(http.send("POST", "/2co/ins/", FORM, ins.body()).status()).isEqualTo(404);
            assertThat(http.send("POST", "/2co//ins", FORM, ins.body()).status()).isEqualTo(404);
            assertThat(http.send("POST", "/2co/ins", FORM + "; charset=UTF-8", ins.body()).status()).isEqualTo(200);
        }
        awaitSettled(ins.saleId(), 2); // the 415 is on record too; the 404s are not 2Checkout's URLs
        assertThat(licensesOf(ins.saleId())).isEqualTo(1);
    }

    @Test
    void insIpnAndLcnFromOutsideTheAllowListAreRefused() throws Exception {
        InsPost ins = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1);
        SignedPost lcn = SignedPost.lcn("SUB-" + SignedPost.nextNumber());
        try (RawHttp http = RawHttp.open(connector.port(), "127.0.0.2")) {
            assertThat(http.send("POST", "/2co/ins", FORM, ins.body()).status()).isEqualTo(403);
            assertThat(http.send("POST", "/2co/ipn", FORM, ipn.body()).status()).isEqualTo(403);
            assertThat(http.send("POST", "/2co/lcn?merchant=ACME", FORM, lcn.body()).status()).isEqualTo(403);
        }
        assertThat(connector.jdbc().queryForObject("""
                SELECT count(*) FROM notification WHERE status = 'REJECTED' AND remote_address = '127.0.0.2'
                AND last_error = 'source address not allowed'""", Integer.class)).isGreaterThanOrEqualTo(3);
        assertThat(licensesOf(ins.saleId()) + licensesOf(ipn.refno())).isZero();
        // The same calls from the allowed address go through.
        postInsOk(ins);
        postIpn(ipn).then().statusCode(200);
        awaitSettled(ins.saleId(), 2); // each refused call is on record beside the accepted one
        awaitSettled(ipn.refno(), 2);
        assertThat(licensesOf(ins.saleId()) + licensesOf(ipn.refno())).isEqualTo(2);
    }

    @Test
    void inventedContentTypesQueueOneSupportEmailAndAFloodStoresLittle() throws Exception {
        String marker = "flood" + SignedPost.nextNumber();
        try (RawHttp http = RawHttp.open(connector.port())) {
            for (int i = 0; i < 50; i++) {
                assertThat(http.send("POST", "/2co/ins", "application/x-invented-" + marker + "-" + i, "message_type=" + marker + i)
                        .status()).isEqualTo(415);
            }
        }
        assertThat(connector.jdbc().queryForObject("""
                SELECT count(*) FROM mail_outbox WHERE kind = 'rejected-call' AND created_at > now() - interval '10 minutes'
                AND reason_key LIKE 'INS|415%'""", Integer.class)).isLessThanOrEqualTo(1);

        // 30 rejected calls of 60 KB each from one address within a minute: the budget (256 KB) and then heads only.
        String filler = "x".repeat(60_000);
        long firstMinute = System.currentTimeMillis() / 60_000;
        for (int i = 0; i < 30; i++) {
            connector.http().contentType(FORM).body("message_type=" + marker + "big" + i + "&md5_hash=" + filler).post("/2co/ins")
                    .then().statusCode(400);
        }
        Long stored = connector.jdbc().queryForObject("""
                SELECT sum(octet_length(raw_body)) FROM notification WHERE status = 'REJECTED' AND raw_body LIKE ?""",
                Long.class, "message_type=" + marker + "big%");
        // The budget is per clock minute: calls that straddle the turn of a minute get two.
        long minutes = System.currentTimeMillis() / 60_000 - firstMinute + 1;
        assertThat(stored).isLessThan(minutes * (262_144L + 60_000L) + 30 * 512L);
    }

    @Test
    void guessesAreCountedBeforeTheyAreCheckedAndCannotLockTheOwnerOut() throws Exception {
        as(admin()).body(Map.of("username", "owner-1", "password", "owner-password-1", "role", "admin")).post("/api/users")
                .then().statusCode(201);
        // The owner logs in from their usual address.
        assertThat(login("127.0.0.1", "owner-1", "owner-password-1")).isEqualTo(200);

        // A stranger sends 30 wrong passwords at once from elsewhere: at most 5 are checked.
        ExecutorService pool = Executors.newFixedThreadPool(30);
        AtomicLong unauthorized = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        try {
            List<CompletableFuture<Void>> guesses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int n = i;
                guesses.add(CompletableFuture.runAsync(() -> {
                    int status = login("127.0.0.2", "owner-1", "guess-" + n);
                    (status == 401 ? unauthorized : throttled).incrementAndGet();
                    assertThat(status).isIn(401, 429);
                }, pool));
            }
            CompletableFuture.allOf(guesses.toArray(CompletableFuture[]::new)).get(120, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(unauthorized.get()).isLessThanOrEqualTo(5);
        assertThat(throttled.get()).isGreaterThanOrEqualTo(25);
        // Locked for strangers, even with the right password; not for the owner's own address.
        assertThat(login("127.0.0.3", "owner-1", "owner-password-1")).isEqualTo(429);
        assertThat(login("127.0.0.1", "owner-1", "owner-password-1")).isEqualTo(200);
    }

    private io.restassured.specification.RequestSpecification as(String sessionCookieAndCsrf) {
        String[] parts = sessionCookieAndCsrf.split("\n");
        return connector.http().contentType("application/json").cookie("tco_session", parts[0]).header("X-CSRF-Token", parts[1]);
    }

    private String admin() {
        io.restassured.response.Response r = connector.http().contentType("application/json")
                .body(Map.of("username", "admin", "password", io.github.twocheckout.connector.support.RunningConnector.ADMIN_PASSWORD))
                .post("/api/session");
        r.then().statusCode(200);
        return r.getCookie("tco_session") + "\n" + r.jsonPath().getString("csrfToken");
    }

    private int login(String from, String username, String password) {
        String json = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
        try (RawHttp http = RawHttp.open(connector.port(), from)) {
            return http.send("POST", "/api/session", "application/json", json).status();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
