package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.ReadReceipt;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** IPN and LCN over HTTP: verification, read receipts, rotation, MD5-only policy and what a rejection records. */
class SignedIntakeTest extends ConnectorTestBase {

    private static final Pattern SIG = Pattern.compile("<sig algo=\"([a-z0-9-]+)\" date=\"(\\d{14})\">([0-9a-f]+)</sig>");
    private static final Pattern EPAYMENT = Pattern.compile("<EPAYMENT>(\\d{14})\\|([0-9a-f]{32})</EPAYMENT>");

    private static SignedPost order() {
        return SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro – Édition", 1);
    }

    /** Checks that the body is exactly the receipt 2Checkout expects for this IPN, signed with this key. */
    private static void assertIpnReceipt(Response r, SignedPost ipn, HmacAlgorithm algorithm, String key) {
        String body = r.asString();
        String date = receiptDate(body, algorithm);
        assertThat(body).isEqualTo(ReadReceipt.forIpn(algorithm, key, ipn.get("IPN_PID[]"), ipn.get("IPN_PNAME[]"),
                ipn.get("IPN_DATE"), date));
    }

    private static String receiptDate(String body, HmacAlgorithm algorithm) {
        if (algorithm == HmacAlgorithm.MD5) {
            Matcher m = EPAYMENT.matcher(body);
            assertThat(m.matches()).as(body).isTrue();
            return m.group(1);
        }
        Matcher m = SIG.matcher(body);
        assertThat(m.matches()).as(body).isTrue();
        assertThat(m.group(1)).isEqualTo(algorithm.receiptName());
        return m.group(2);
    }

    @Test
    void getProbesAnswer200() {
        connector.http().get("/2co/ipn").then().statusCode(200).body(containsString("IPN"));
        connector.http().get("/2co/lcn").then().statusCode(200).body(containsString("LCN"));
    }

    @Test
    void receiptIsSignedWithTheStrongestAlgorithmPresentAfterTheCallIsStored() {
        SignedPost all = order();
        Response r = postIpn(all);
        r.then().statusCode(200).contentType(containsString("text/plain"));
        assertIpnReceipt(r, all, HmacAlgorithm.SHA3_256, "acme-key-2026");
        // The receipt came after the commit: the row is there.
        List<Map<String, Object>> rows = connector.notifications(all.refno());
        assertThat(rows).hasSize(1);
        assertThat((String) rows.get(0).get("verification")).contains("SIGNATURE_SHA3_256", "HMAC-SHA3-256", "current secret key",
                "vendor acme", "not relied on: SIGNATURE_SHA2_256, HASH");
        assertThat(rows.get(0)).containsEntry("channel", "IPN").containsEntry("message_type", "COMPLETE");

        SignedPost sha2 = order().signWith(HmacAlgorithm.SHA256, HmacAlgorithm.MD5);
        assertIpnReceipt(postIpn(sha2).then().statusCode(200).extract().response(), sha2, HmacAlgorithm.SHA256, "acme-key-2026");
    }

    @Test
    void aWeakerValidSignatureNeverStandsInForAFailedStrongerOne() {
        SignedPost post = order().forge("SIGNATURE_SHA3_256", "00".repeat(32));
        postIpn(post).then().statusCode(403).body(not(containsString("<sig"))).body(not(containsString("EPAYMENT")));
        assertThat(connector.notifications(post.refno())).singleElement().satisfies(n -> assertThat(n.get("status")).isEqualTo("REJECTED"));
    }

    @Test
    void md5OnlyCallsAreRefusedUnlessTheVendorAllowsThem() {
        SignedPost acme = order().signWith(HmacAlgorithm.MD5);
        postIpn(acme).then().statusCode(403).body(containsString("MD5-only"));
        Map<String, Object> rejected = lastRejected();
        assertThat((String) rejected.get("verification")).contains("HASH (HMAC-MD5) refused", "allowMd5Only is off");

        SignedPost globex = SignedPost.ipn("GLOBEX", "globex-key", String.valueOf(310_000_000L + SignedPost.nextNumber()), "COMPLETE")
                .product("7001", "GLX-1", "Globex One", 1).signWith(HmacAlgorithm.MD5);
        Response r = postIpn(globex);
        r.then().statusCode(200);
        assertIpnReceipt(r, globex, HmacAlgorithm.MD5, "globex-key");
        awaitSettled(globex.refno(), 1);
        assertThat(connector.licenses(globex.refno())).hasSize(1);
    }

    @Test
    void rotationAcceptsThePreviousKeyAndSaysSo() {
        SignedPost old = order().key("acme-key-2025");
        Response r = postIpn(old);
        r.then().statusCode(200);
        assertIpnReceipt(r, old, HmacAlgorithm.SHA3_256, "acme-key-2025");
        assertThat((String) connector.notifications(old.refno()).get(0).get("verification")).contains("previous secret key");

        SignedPost unknown = order().key("acme-key-2024");
        postIpn(unknown).then().statusCode(403);
        assertThat((String) lastRejected().get("verification")).contains("tried the current and the previous secret key");
    }

    @Test
    void aTamperedCallIsRejectedWithItsByteLengthsAndNoSecret() {
        SignedPost post = order();
        String body = post.body().replace("FIRSTNAME=Zo%C3%AB", "FIRSTNAME=Zoe");
        Response r = connector.http().contentType("application/x-www-form-urlencoded").body(body).post("/2co/ipn");
        r.then().statusCode(403).body(not(containsString("<sig")));
        Map<String, Object> rejected = lastRejected();
        assertThat(rejected).containsEntry("channel", "IPN").containsEntry("status", "REJECTED").containsEntry("http_status", 403);
        String diagnostics = (String) rejected.get("verification");
        assertThat(diagnostics).contains("SIGNATURE_SHA3_256 (HMAC-SHA3-256) mismatch", "FIRSTNAME=3", "LASTNAME=10",
                "IPN_PNAME[]=", "vendor acme", "posted SIGNATURE_SHA3_256 has 64 characters");
        assertThat(diagnostics).doesNotContain("acme-key");
        assertThat(connector.licenses(post.refno())).isEmpty();
        // The vendor finds it by order, marked rejected.
        connector.api().get("/api/notifications?order=" + post.refno()).then().statusCode(200)
                .body("[0].status", equalTo("REJECTED")).body("[0].channel", equalTo("IPN"));
    }

    @Test
    void unsignedAndUnknownMerchantCallsAreRejected() {
        postIpn(order().signWith()).then().statusCode(403).body(containsString("no signature"));
        SignedPost stranger = SignedPost.ipn("NOBODY", "whatever", "399999999", "COMPLETE").product("5001", "ACME-PRO", "x", 1);
        postIpn(stranger).then().statusCode(403).body(containsString("unknown merchant"));
        assertThat((String) lastRejected().get("verification")).contains("merchant code 'NOBODY'");
        // Missing REFNO: 400 before any hashing.
        postIpn(order().remove("REFNO")).then().statusCode(400).body(containsString("REFNO"));
        // A repeated scalar field has no single meaning.
        String twice = order().body() + "&REFNO=1";
        connector.http().contentType("application/x-www-form-urlencoded").body(twice).post("/2co/ipn").then().statusCode(400);
    }

    @Test
    void aCallWithoutMerchantIsMatchedByItsKey() {
        SignedPost post = order().remove("VENDOR_CODE");
        Response r = postIpn(post);
        r.then().statusCode(200);
        assertIpnReceipt(r, post, HmacAlgorithm.SHA3_256, "acme-key-2026");
        assertThat((String) connector.notifications(post.refno()).get(0).get("verification")).contains("vendor acme");
    }

    @Test
    void aDuplicateIsAcknowledgedAgainAndCountedOnce() {
        SignedPost post = order();
        deliverIpn(post, 1);
        Response again = postIpn(post);
        again.then().statusCode(200);
        assertIpnReceipt(again, post, HmacAlgorithm.SHA3_256, "acme-key-2026");
        SignedPost resent = post.copy(); // a re-send with a new MESSAGE_ID is the same event
        postIpn(resent).then().statusCode(200);
        List<Map<String, Object>> rows = connector.notifications(post.refno());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("duplicates", 2);
        assertThat(connector.licenses(post.refno())).hasSize(1);
    }

    @Test
    void lcnReceiptSignsLicenseCodeExpirationDateAndDate() {
        SignedPost lcn = SignedPost.lcn("LC" + SignedPost.nextNumber());
        Response r = postLcn(lcn);
        r.then().statusCode(200);
        String date = receiptDate(r.asString(), HmacAlgorithm.SHA3_256);
        assertThat(r.asString()).isEqualTo(ReadReceipt.forLcn(HmacAlgorithm.SHA3_256, "acme-key-2026", lcn.get("LICENSE_CODE"),
                "2027-11-21", date));
        SignedPost md5 = SignedPost.lcn("LC" + SignedPost.nextNumber()).signWith(HmacAlgorithm.MD5);
        postLcn(md5).then().statusCode(403);
        SignedPost sha2 = SignedPost.lcn("LC" + SignedPost.nextNumber()).signWith(HmacAlgorithm.SHA256);
        Response r2 = postLcn(sha2);
        r2.then().statusCode(200).body(containsString("<sig algo=\"sha256\""));
        // Without ?merchant= the key finds the vendor.
        SignedPost anonymous = SignedPost.lcn("LC" + SignedPost.nextNumber());
        connector.http().contentType("application/x-www-form-urlencoded").body(anonymous.body()).post("/2co/lcn")
                .then().statusCode(200).body(containsString("<sig algo=\"sha3-256\""));
        // A tampered LCN gets no receipt.
        String tampered = SignedPost.lcn("LC" + SignedPost.nextNumber()).body().replace("DISABLED=0", "DISABLED=1");
        connector.http().contentType("application/x-www-form-urlencoded").body(tampered).post("/2co/lcn?merchant=ACME")
                .then().statusCode(403).body(not(containsString("<sig")));
    }

    @Test
    void rejectionsAreNeverEchoedWithRequestHeaders() {
        connector.http().header("X-Secret-Probe", "leak").contentType("application/x-www-form-urlencoded")
                .body(order().forge("SIGNATURE_SHA3_256", "ab").body()).post("/2co/ipn")
                .then().statusCode(403).header("X-Secret-Probe", equalTo(null));
    }

    private Map<String, Object> lastRejected() {
        return connector.jdbc().queryForMap("SELECT * FROM notification WHERE status = 'REJECTED' ORDER BY id DESC LIMIT 1");
    }
}
