package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** POST /2co/keygen over HTTP: the codes 2Checkout shows the buyer, and the licenses behind them. */
class KeygenTest extends ConnectorTestBase {

    private static final String LIVE_CODE = "ACME(-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{5}){5}";

    /** The codes of an answer, read as 2Checkout would: a well-formed XML document, one Code element each. */
    private static List<String> codes(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/xml");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.asByteArray()));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("Data");
        NodeList nodes = doc.getElementsByTagName("Code");
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            codes.add(nodes.item(i).getTextContent());
        }
        return codes;
    }

    private List<Map<String, Object>> keygenCalls(String orderRef) {
        return connector.jdbc().queryForList(
                "SELECT * FROM notification WHERE channel = 'KEYGEN' AND order_ref = ? ORDER BY id", orderRef);
    }

    private List<Map<String, Object>> trail(String orderRef) {
        return connector.jdbc().queryForList("""
                SELECT e.license_id, e.event, e.from_status, e.to_status, n.channel, n.message_type
                FROM license_event e JOIN license l ON l.id = e.license_id JOIN notification n ON n.id = e.notification_id
                WHERE l.order_ref = ? ORDER BY e.id""", orderRef);
    }

    @ParameterizedTest(name = "{1} x{2} -> {3} code(s)")
    @CsvSource({
            "5001, ACME-PRO,  1, 1",   // one code per unit
            "5001, ACME-PRO,  3, 3",
            "5003, ACME-SITE, 1, 1",   // one code per line
            "5003, ACME-SITE, 3, 1"})
    void answersOneCodePerUnitOrPerLineAsTheMappingSays(String pid, String pcode, int qty, int expected) throws Exception {
        SignedPost call = SignedPost.keygen(pid, pcode, qty);
        List<String> codes = codes(postKeygen(call));

        assertThat(codes).hasSize(expected).doesNotHaveDuplicates().allSatisfy(c -> assertThat(c).matches(LIVE_CODE));
        List<Map<String, Object>> licenses = connector.licenses(call.refno());
        assertThat(licenses).extracting(l -> l.get("code")).containsExactlyElementsOf(codes);
        assertThat(licenses).allSatisfy(l -> {
            assertThat(l.get("status")).isEqualTo("ACTIVE");
            assertThat(l.get("test")).isEqualTo(false);
            assertThat(l.get("customer_name")).isEqualTo("Zoë Ångström");
            assertThat(l.get("customer_email")).isEqualTo("zoe@buyer.test");
            assertThat(l.get("quantity")).isEqualTo(expected == qty ? 1 : qty);
        });
        Map<String, Object> call1 = keygenCalls(call.refno()).get(0);
        assertThat(call1).containsEntry("status", "PROCESSED").containsEntry("http_status", 200)
                .containsEntry("message_type", "KEYGEN");
        assertThat((String) call1.get("verification")).contains("KEYGEN SIGNATURE_SHA3_256", "current secret key of vendor acme");
        assertThat((String) call1.get("outcome")).contains("issued " + expected + " license(s)");
    }

    @Test
    void aRepeatedCallIsAnsweredWithTheSameCodesAndIssuesNothingNew() throws Exception {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 2);
        List<String> first = codes(postKeygen(call));
        assertThat(codes(postKeygen(call))).isEqualTo(first);
        assertThat(codes(postKeygen(call.copy().signWith(HmacAlgorithm.SHA256)))).isEqualTo(first);

        assertThat(connector.licenses(call.refno())).hasSize(2);
        assertThat(keygenCalls(call.refno())).hasSize(3).allSatisfy(n -> assertThat(n.get("status")).isEqualTo("PROCESSED"));
        assertThat(trail(call.refno())).extracting(e -> e.get("event")).containsExactly("ISSUED", "ISSUED");
    }

    @Test
    void concurrentRepeatsRaceIntoOneSetOfCodes() throws Exception {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 3);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<List<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(() -> codes(postKeygen(call)));
            }
            List<List<String>> answers = new ArrayList<>();
            for (Future<List<String>> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).hasSize(3).isEqualTo(answers.get(0)));
        } finally {
            pool.shutdownNow();
        }
        assertThat(connector.licenses(call.refno())).hasSize(3);
    }

    @Test
    void aTestOrderGetsVisiblyMarkedTestCodesOnly() throws Exception {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 2).set("TESTORDER", "YES");
        List<String> codes = codes(postKeygen(call));
        assertThat(codes).hasSize(2).allSatisfy(c -> assertThat(c).startsWith("TEST-").doesNotMatch(LIVE_CODE));
        assertThat(connector.licenses(call.refno())).allSatisfy(l -> assertThat(l.get("test")).isEqualTo(true));
        assertThat(keygenCalls(call.refno()).get(0)).containsEntry("message_type", "KEYGEN_TEST");
        assertThat(codes(postKeygen(call))).isEqualTo(codes);
    }

    @Test
    void aConnectorInTestingModeAnswersTestCodesEvenForRealOrders() throws Exception {
        SignedPost call = SignedPost.keygen("", "BETA-1", 1);
        List<String> codes = codes(postKeygen(call));
        assertThat(codes).singleElement().satisfies(c -> assertThat(c).startsWith("TEST-"));
        assertThat(connector.licenses(call.refno())).singleElement().satisfies(l -> assertThat(l.get("test")).isEqualTo(true));
    }

    @Test
    void forgedTamperedAndUnsignedCallsAreRejectedWithoutALicense() {
        SignedPost wrongKey = SignedPost.keygen("5001", "ACME-PRO", 1).key("guessed-key");
        postKeygen(wrongKey).then().statusCode(403);

        SignedPost tampered = SignedPost.keygen("5001", "ACME-PRO", 1);
        String body = tampered.body().replace("QUANTITY=1", "QUANTITY=9");
        connector.http().contentType("application/x-www-form-urlencoded").body(body).post("/2co/keygen?merchant=ACME")
                .then().statusCode(403);

        SignedPost unsigned = SignedPost.keygen("5001", "ACME-PRO", 1).signWith();
        Response r = postKeygen(unsigned);
        r.then().statusCode(403);
        assertThat(r.asString()).doesNotContain("<Code>").contains("no signature");

        // A vendor that accepts unsigned calls still needs the IP allow-list, which is off by default.
        SignedPost globexUnsigned = SignedPost.keygen("7001", "GLX-1", 1).signWith();
        connector.http().contentType("application/x-www-form-urlencoded").body(globexUnsigned.body())
                .post("/2co/keygen?merchant=GLOBEX").then().statusCode(403);

        for (SignedPost call : List.of(wrongKey, tampered, unsigned, globexUnsigned)) {
            assertThat(connector.licenses(call.refno())).isEmpty();
            assertThat(connector.notifications(call.refno())).singleElement().satisfies(n -> {
                assertThat(n.get("status")).isEqualTo("REJECTED");
                assertThat(n.get("channel")).isEqualTo("KEYGEN");
                assertThat(n.get("http_status")).isEqualTo(403);
            });
        }
        assertThat((String) connector.notifications(wrongKey.refno()).get(0).get("verification"))
                .contains("mismatch", "REFNO=", "QUANTITY=1").doesNotContain("acme-key", "guessed-key");
    }

    @Test
    void anUnknownProductIsAFailureAnsweredNon2xxRecordedAndSupportIsTold() throws Exception {
        SignedPost call = SignedPost.keygen("9999", "NO-SUCH", 1);
        Response r = postKeygen(call);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("text/plain");
        assertThat(r.asString()).contains("unknown product 'NO-SUCH'").doesNotContain("<Code>");
        assertThat(keygenCalls(call.refno())).singleElement().satisfies(n -> {
            assertThat(n.get("status")).isEqualTo("FAILED");
            assertThat(n.get("http_status")).isEqualTo(422);
            assertThat((String) n.get("last_error")).contains("unknown product 'NO-SUCH'");
        });
        assertThat(connector.licenses(call.refno())).isEmpty();
        MimeMessage mail = awaitMails("(order " + call.refno() + ")", 1).get(0);
        assertThat(recipients(mail)).contains("support@operator.test").doesNotContain("zoe@buyer.test");
        assertThat(text(mail)).contains("unknown product 'NO-SUCH'").doesNotContain("acme-key-2026");

        // The vendor maps the product and replays the failed call: the licenses exist, and 2Checkout's
        // next try gets exactly those codes.
        connector.jdbc().update("""
                INSERT INTO product_mapping (vendor_id, connector_id, product_id, product_code, name, license_type, code_mode)
                SELECT c.vendor_id, c.id, '9999', 'NO-SUCH', 'Late Product', 'perpetual', 'per_unit'
                FROM connector c WHERE c.code = 'acme-suite'""");
        try {
            long id = ((Number) keygenCalls(call.refno()).get(0).get("id")).longValue();
            connector.api().post("/api/notifications/" + id + "/replay").then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(keygenCalls(call.refno()).get(0).get("status")));
            List<Map<String, Object>> licenses = connector.licenses(call.refno());
            assertThat(licenses).hasSize(1);
            assertThat(codes(postKeygen(call))).containsExactly((String) licenses.get(0).get("code"));
        } finally {
            connector.jdbc().update("DELETE FROM license_event WHERE license_id IN (SELECT id FROM license WHERE order_ref = ?)",
                    call.refno());
            connector.jdbc().update("DELETE FROM license WHERE order_ref = ?", call.refno());
            connector.jdbc().update("DELETE FROM order_fact WHERE order_ref = ?", call.refno());
            connector.jdbc().update("DELETE FROM product_mapping WHERE product_code = 'NO-SUCH'");
        }
    }

    @Test
    void aDisabledConnectorIsAFailureAndItsVendorIsTold() {
        SignedPost call = SignedPost.keygen("", "OLD-1", 1);
        Response r = postKeygen(call);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.asString()).contains("connector 'ACME Legacy' is disabled");
        assertThat(connector.licenses(call.refno())).isEmpty();
        MimeMessage mail = awaitMails("(order " + call.refno() + ")", 1).get(0);
        assertThat(recipients(mail)).contains("acme@vendor.test");
    }

    @Test
    void aDatabaseFaultMidwayIsAnswered503RecordedAndTheVendorIsTold() throws Exception {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 1);
        String fn = "fail_keygen_" + call.refno();
        connector.jdbc().execute("CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger AS $$ BEGIN "
                + "IF NEW.order_ref = '" + call.refno() + "' THEN RAISE EXCEPTION 'simulated disk failure for order %', NEW.order_ref; END IF; "
                + "RETURN NEW; END $$ LANGUAGE plpgsql");
        connector.jdbc().execute("CREATE TRIGGER " + fn + " BEFORE INSERT ON license FOR EACH ROW EXECUTE FUNCTION " + fn + "()");
        try {
            Response r = postKeygen(call);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.getHeader("Retry-After")).isEqualTo("60");
            assertThat(r.asString()).doesNotContain("simulated", "<Code>");
            assertThat(keygenCalls(call.refno())).singleElement().satisfies(n -> {
                assertThat(n.get("status")).isEqualTo("FAILED");
                assertThat(n.get("http_status")).isEqualTo(503);
                assertThat((String) n.get("last_error")).contains("simulated disk failure");
            });
            MimeMessage mail = awaitMails("(order " + call.refno() + ")", 1).get(0);
            assertThat(recipients(mail)).contains("acme@vendor.test");
            assertThat(text(mail)).contains("simulated disk failure");
        } finally {
            connector.jdbc().execute("DROP TRIGGER " + fn + " ON license");
        }
        // 2Checkout asks again once the fault is gone.
        assertThat(codes(postKeygen(call))).singleElement().satisfies(c -> assertThat(c).matches(LIVE_CODE));
    }

    @Test
    void keygenThenIpnCompleteThenRefundIsOneLicenseRevokedWithOneAuditTrail() throws Exception {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 1);
        List<String> codes = codes(postKeygen(call));

        deliverIpn(SignedPost.ipn("ACME", "acme-key-2026", call.refno(), "COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1), 2);
        List<Map<String, Object>> licenses = connector.licenses(call.refno());
        assertThat(licenses).singleElement().satisfies(l -> {
            assertThat(l.get("code")).isEqualTo(codes.get(0));
            assertThat(l.get("status")).isEqualTo("ACTIVE");
        });

        deliverIpn(SignedPost.ipn("ACME", "acme-key-2026", call.refno(), "REFUND").product("5001", "ACME-PRO", "ACME Pro", 1), 3);
        licenses = connector.licenses(call.refno());
        assertThat(licenses).singleElement().satisfies(l -> {
            assertThat(l.get("code")).isEqualTo(codes.get(0));
            assertThat(l.get("status")).isEqualTo("REVOKED");
        });
        List<Map<String, Object>> trail = trail(call.refno());
        assertThat(trail).extracting(e -> e.get("license_id")).containsOnly(licenses.get(0).get("id"));
        assertThat(trail).extracting(e -> e.get("event") + " by " + e.get("channel") + " " + e.get("message_type"))
                .containsExactly("ISSUED by KEYGEN KEYGEN", "CONFIRMED by IPN COMPLETE", "REVOKED by IPN REFUND");
        assertThat(trail.get(2)).containsEntry("from_status", "ACTIVE").containsEntry("to_status", "REVOKED");

        // After the refund a late retry of the key generator must not bring a live code back.
        assertThat(codes(postKeygen(call))).isEqualTo(codes);
        assertThat(connector.licenses(call.refno())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
    }

    @Test
    void aSubscriptionGetsItsTermAndTheSubscriptionReferenceThatLcnUsesLater() throws Exception {
        String ref = "SUB" + SignedPost.nextNumber();
        SignedPost call = SignedPost.keygen("5002", "ACME-SUB", 1).set("LICENSE_REF", ref);
        List<String> codes = codes(postKeygen(call));
        Map<String, Object> license = connector.licenses(call.refno()).get(0);
        assertThat(license).containsEntry("code", codes.get(0)).containsEntry("subscription_ref", ref)
                .containsEntry("renewing", true);
        assertThat(((java.sql.Timestamp) license.get("expires_at")).toInstant())
                .isBetween(java.time.Instant.now().plus(Duration.ofDays(364)), java.time.Instant.now().plus(Duration.ofDays(367)));

        // The IPN of the order states the term 2Checkout keeps: it replaces the one computed at issue.
        deliverIpn(SignedPost.ipn("ACME", "acme-key-2026", call.refno(), "COMPLETE")
                .product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR", "2027-11-30 09:00:00"), 2);
        assertThat(((java.sql.Timestamp) connector.licenses(call.refno()).get(0).get("expires_at")).toInstant())
                .isEqualTo(java.time.Instant.parse("2027-11-30T09:00:00Z"));
        assertThat(trail(call.refno())).extracting(e -> e.get("event")).containsExactly("ISSUED", "CONFIRMED");

        deliverLcn(SignedPost.lcn(ref).set("STATUS", "DISABLED").set("DISABLED", "1"), 1);
        assertThat(connector.licenses(call.refno())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("SUSPENDED"));
    }

    @Test
    void aCallLeftUnfinishedByACrashIsFinishedByRecovery() {
        // What a process killed between storing the call and issuing leaves behind: a claimed row whose
        // lease ran out. The recovery poller takes it over, and 2Checkout's retry then finds the codes.
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 2);
        long id = connector.jdbc().queryForObject("""
                INSERT INTO notification (channel, vendor_id, message_type, order_ref, raw_body, content_type, verification,
                                          status, attempts, lease_until)
                SELECT 'KEYGEN', v.id, 'KEYGEN', ?, ?, 'application/x-www-form-urlencoded', 'verified before the crash',
                       'PROCESSING', 1, now() - interval '1 second'
                FROM vendor v WHERE v.code = 'acme' RETURNING id""", Long.class, call.refno(), call.body());
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(keygenCalls(call.refno()).get(0).get("status")));
        assertThat(keygenCalls(call.refno()).get(0)).containsEntry("id", id).containsEntry("attempts", 2);
        assertThat(connector.licenses(call.refno())).hasSize(2);
    }

    @Test
    void theProbeAndWrongMethodsAndBodiesAreAnsweredPlainly() {
        connector.http().get("/2co/keygen").then().statusCode(200);
        connector.http().put("/2co/keygen").then().statusCode(405);
        connector.http().contentType("application/x-www-form-urlencoded").body("PID=5001&QUANTITY=1")
                .post("/2co/keygen?merchant=ACME").then().statusCode(400);
        connector.http().contentType("application/json").body("{\"REFNO\":\"1\"}")
                .post("/2co/keygen?merchant=ACME").then().statusCode(415);
    }
}
