package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The key generator configured the other way an operator may need it: the IP allow-list on, behind a
 * proxy that passes the caller's address in X-Forwarded-For (the list comes on top of the signature,
 * and lets unsigned calls through only for a vendor that waived the signature), and the answer in
 * another format, changed in templates alone (a bare {@code <CODE>} sequence, as some generators send).
 */
class KeygenConfigurationTest extends ConnectorTestBase {

    private static final String TWOCHECKOUT = "91.220.121.21";

    @Override
    protected Map<String, String> properties() {
        return Map.of("keygen.allowed-ips.enabled", "true", "keygen.client-ip-header", "X-Forwarded-For",
                "keygen.templates", "file:src/test/resources/keygen-codes-only", "keygen.content-type", "text/plain; charset=UTF-8");
    }

    private Response post(SignedPost call, String merchant, String forwardedFor) {
        return connector.http().contentType("application/x-www-form-urlencoded").header("X-Forwarded-For", forwardedFor)
                .body(call.body()).post("/2co/keygen?merchant=" + merchant);
    }

    @Test
    void aSignedCallFromTwoCheckoutIsAnsweredInTheTemplatesFormat() {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 2);
        Response r = post(call, "ACME", "198.51.100.7, " + TWOCHECKOUT);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        List<Map<String, Object>> licenses = connector.licenses(call.refno());
        assertThat(r.asString()).isEqualTo("<CODE>" + licenses.get(0).get("code") + "</CODE><CODE>" + licenses.get(1).get("code") + "</CODE>");
        assertThat((String) connector.notifications(call.refno()).get(0).get("remote_address")).startsWith(TWOCHECKOUT + " (via ");
    }

    @Test
    void aCorrectlySignedCallFromElsewhereIsRejected() {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 1);
        // The caller may put anything in front; only the address the proxy appended counts.
        Response r = post(call, "ACME", TWOCHECKOUT + ", 203.0.113.9");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.asString()).contains("source address not allowed");
        assertThat(connector.licenses(call.refno())).isEmpty();
        assertThat(connector.notifications(call.refno())).singleElement()
                .satisfies(n -> assertThat((String) n.get("verification")).contains("203.0.113.9", "outside the allow-list"));
    }

    @Test
    void theAllowListNeverReplacesASignatureTheVendorRequires() {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 1).signWith();
        assertThat(post(call, "ACME", TWOCHECKOUT).statusCode()).isEqualTo(403);
        SignedPost forged = SignedPost.keygen("5001", "ACME-PRO", 1).key("wrong");
        assertThat(post(forged, "ACME", TWOCHECKOUT).statusCode()).isEqualTo(403);
        assertThat(connector.licenses(call.refno())).isEmpty();
        assertThat(connector.licenses(forged.refno())).isEmpty();
    }

    @Test
    void aVendorThatWaivedTheSignatureIsServedFromTwoCheckoutOnly() {
        SignedPost call = SignedPost.keygen("7001", "GLX-1", 2).signWith();
        Response r = post(call, "GLOBEX", TWOCHECKOUT);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(connector.licenses(call.refno())).hasSize(2);
        assertThat((String) connector.notifications(call.refno()).get(0).get("verification"))
                .contains("unsigned", "keygenAllowUnsigned", "allow-list");

        SignedPost elsewhere = SignedPost.keygen("7001", "GLX-1", 1).signWith();
        assertThat(post(elsewhere, "GLOBEX", "203.0.113.9").statusCode()).isEqualTo(403);
        assertThat(connector.licenses(elsewhere.refno())).isEmpty();
    }
}
