package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.restassured.response.Response;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the INS endpoint accepts, rejects, and how it treats repeats. */
class InsIntakeTest extends ConnectorTestBase {

    private List<Map<String, Object>> rejectedWith(String text) {
        return connector.jdbc().queryForList(
                "SELECT * FROM notification WHERE status = 'REJECTED' AND raw_body LIKE ? ORDER BY id", "%" + text + "%");
    }

    @Test
    void aForgedHashIsRejectedRecordedAndReportedWithoutChangingAnything() {
        InsPost forged = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").secretWord("guessed-word");
        postIns(forged).then().statusCode(403).body(equalTo("rejected: md5_hash does not match"));

        List<Map<String, Object>> rejected = rejectedWith("sale_id=" + forged.saleId());
        assertThat(rejected).hasSize(1);
        Map<String, Object> row = rejected.get(0);
        assertThat(row.get("http_status")).isEqualTo(403);
        assertThat(row.get("vendor_id")).isNotNull();
        assertThat((String) row.get("verification"))
                .contains("sale_id (11 bytes)", "vendor_id (4 bytes)", "current and the previous secret word")
                .doesNotContain("tango-acme", "old-acme", "guessed-word");
        assertThat(connector.licenses(forged.saleId())).isEmpty();
        // Findable by its (unverified) order, and nothing but the rejection was stored.
        assertThat(connector.notifications(forged.saleId())).singleElement()
                .satisfies(n -> assertThat(n.get("status")).isEqualTo("REJECTED"));

        MimeMessage mail = awaitMails("Rejected INS call (md5_hash does not match)", 1).get(0);
        assertThat(recipients(mail)).contains("support@operator.test");
        assertThat(raw(mail)).doesNotContain("tango-acme");
    }

    @Test
    void anUnknownVendorIsRejected() {
        InsPost post = InsPost.vendor("ORDER_CREATED", "7777", "whatever").item("ACME-PRO", "ACME Pro");
        postIns(post).then().statusCode(403).body(equalTo("rejected: unknown vendor_id"));
        assertThat(rejectedWith("sale_id=" + post.saleId())).hasSize(1)
                .allSatisfy(r -> assertThat((String) r.get("verification")).contains("'7777'"));
    }

    @Test
    void missingFieldsAndBrokenEncodingAreBadRequests() {
        InsPost missing = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").remove("invoice_id");
        postIns(missing).then().statusCode(400).body(equalTo("rejected: missing required field(s): invoice_id"));
        assertThat(rejectedWith("sale_id=" + missing.saleId())).hasSize(1);

        String badEscape = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").body() + "&customer_name=%ZZbroken";
        connector.http().contentType("application/x-www-form-urlencoded").body(badEscape).post("/2co/ins")
                .then().statusCode(400).body(startsWith("rejected: invalid percent escape"));

        String badUtf8 = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").body() + "&customer_name=%C3%28";
        connector.http().contentType("application/x-www-form-urlencoded").body(badUtf8).post("/2co/ins")
                .then().statusCode(400).body(equalTo("rejected: a field is not valid UTF-8"));
    }

    @Test
    void oversizedBodiesWrongContentTypesAndMethodsAreRefused() {
        InsPost big = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("padding", "x".repeat(70_000));
        postIns(big).then().statusCode(413).body(startsWith("rejected: body larger than 65536 bytes"));

        connector.http().contentType("application/json").body("{\"message_type\":\"ORDER_CREATED\"}").post("/2co/ins")
                .then().statusCode(415);
        connector.http().get("/2co/ins").then().statusCode(405);
        assertThat(connector.jdbc().queryForObject(
                "SELECT count(*) FROM notification WHERE http_status IN (413, 415) AND status = 'REJECTED'", Integer.class))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void thePreviousSecretWordIsAcceptedDuringARotationAndTheRecordSaysSo() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").secretWord("old-acme");
        postInsOk(post);
        List<Map<String, Object>> rows = awaitSettled(post.saleId(), 1);
        assertThat((String) rows.get(0).get("verification")).contains("matched the previous secret word");
        assertThat(connector.licenses(post.saleId())).hasSize(1);
    }

    @Test
    void aRepeatedMessageIsAcknowledgedButProcessedOnce() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        postInsOk(post);
        postInsOk(post);
        // the same event re-sent with a new message id and timestamp
        postInsOk(post.next("ORDER_CREATED").set("timestamp", "2026-11-21 11:00:00 EST"));
        List<Map<String, Object>> rows = awaitSettled(post.saleId(), 1);
        assertThat(rows.get(0).get("duplicates")).isEqualTo(2);
        assertThat(rows.get(0).get("attempts")).isEqualTo(1);
        assertThat(connector.licenses(post.saleId())).hasSize(1);
    }

    @Test
    void aRepeatWithoutMessageIdIsRecognisedByItsBusinessEvent() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").remove("message_id");
        postInsOk(post);
        postInsOk(post);
        List<Map<String, Object>> rows = awaitSettled(post.saleId(), 1);
        assertThat(rows.get(0).get("message_id")).isNull();
        assertThat(rows.get(0).get("duplicates")).isEqualTo(1);
        assertThat(connector.licenses(post.saleId())).hasSize(1);
    }

    @Test
    void tenConcurrentDeliveriesYieldOneLicensePerUnit() throws Exception {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_quantity_1", "3");
        String body = post.body();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> connector.http().contentType("application/x-www-form-urlencoded").body(body)
                        .post("/2co/ins").statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> rows = awaitSettled(post.saleId(), 1);
        assertThat(rows.get(0).get("duplicates")).isEqualTo(9);
        assertThat(connector.licenses(post.saleId())).hasSize(3);
        assertThat(connector.licenses(post.saleId()).stream().map(l -> l.get("unit_no")).toList()).containsExactly(1, 2, 3);
    }

    @Test
    void requestHeadersLeakNeitherIntoTheResponseNorIntoEmails() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        Response response = connector.http().contentType("application/x-www-form-urlencoded")
                .header("X-Leak-Probe", "probe-value-123").header("Subject", "evil subject").header("To", "attacker@evil.test")
                .body(post.body()).post("/2co/ins");
        response.then().statusCode(200).body(equalTo("OK"));
        assertThat(response.getHeaders().hasHeaderWithName("X-Leak-Probe")).isFalse();
        assertThat(response.getHeaders().hasHeaderWithName("To")).isFalse();
        assertThat(response.getContentType()).startsWith("text/plain");

        MimeMessage mail = awaitMails("order " + post.saleId(), 1).get(0);
        assertThat(raw(mail)).doesNotContain("probe-value-123", "X-Leak-Probe", "evil subject", "attacker@evil.test", "tango-acme");
        assertThat(recipients(mail)).doesNotContain("attacker@evil.test");
    }

    @Test
    void theReadApiIsGuarded() {
        connector.http().get("/api/licenses?order=1").then().statusCode(401);
        connector.http().header("Authorization", "Bearer wrong").get("/api/notifications?order=1").then().statusCode(401);
        connector.api().get("/api/licenses?limit=many").then().statusCode(400);
        connector.api().get("/api/licenses?order=does-not-exist").then().statusCode(200).body(equalTo("[]"));
    }

    @Test
    void theNotificationsApiShowsChannelTypeStatusAndError() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(post, 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                connector.api().get("/api/notifications?order=" + post.saleId()).then().statusCode(200)
                        .body("[0].channel", equalTo("INS")).body("[0].message_type", equalTo("ORDER_CREATED"))
                        .body("[0].status", equalTo("PROCESSED")).body("[0].error", org.hamcrest.Matchers.nullValue()));
        String json = connector.api().get("/api/notifications?order=" + post.saleId()).asString();
        assertThat(json).doesNotContain("tango-acme", "raw_body");
    }
}
