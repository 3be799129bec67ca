package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IDN form and answer. 2Checkout publishes no IDN vector; the rule (each value's UTF-8 length, then
 * the value, HMAC'd with the secret key) is pinned by the protocol family's published example (PayU's
 * IOS: MERCHANT=PAYUDEMO, REFNOEXT=EPAY10425, key 1231234567890123, HMAC-MD5 6cb19f36...), built
 * through the same form code.
 */
class IdnMessageTest {

    @Test
    void theFormIsSignedAsThePublishedExampleOfTheProtocolFamily() {
        Map<String, String> form = IdnMessage.form(List.of("MERCHANT", "REFNOEXT"), Map.of("MERCHANT", "PAYUDEMO", "REFNOEXT", "EPAY10425"),
                HmacAlgorithm.MD5, "1231234567890123", "HASH");
        assertThat(form).containsExactly(Map.entry("MERCHANT", "PAYUDEMO"), Map.entry("REFNOEXT", "EPAY10425"),
                Map.entry("HASH", "6cb19f366fd9709b078b593b1736a4ea"));
    }

    @Test
    void theFieldsGoInTheConfiguredOrderWithTheSignatureLastAndEncoded() {
        Map<String, String> values = Map.of("MERCHANT", "DEMOSOFT", "ORDER_REF", "3954142", "ORDER_AMOUNT", "39.99",
                "ORDER_CURRENCY", "EUR", "IDN_DATE", "2026-12-07 10:00:00");
        Map<String, String> form = IdnMessage.form(List.of("MERCHANT", "ORDER_REF", "ORDER_AMOUNT", "ORDER_CURRENCY", "IDN_DATE"),
                values, HmacAlgorithm.SHA256, "AABBCCDDEEFF", "ORDER_HASH");
        assertThat(form.keySet()).containsExactly("MERCHANT", "ORDER_REF", "ORDER_AMOUNT", "ORDER_CURRENCY", "IDN_DATE", "ORDER_HASH");
        byte[] signed = HmacSignature.source(List.of("DEMOSOFT", "3954142", "39.99", "EUR", "2026-12-07 10:00:00"));
        assertThat(new String(signed, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("8DEMOSOFT73954142539.993EUR192026-12-07 10:00:00");
        assertThat(form.get("ORDER_HASH")).isEqualTo(HmacSignature.hmacHex(HmacAlgorithm.SHA256, "AABBCCDDEEFF", signed));
        assertThat(IdnMessage.encode(form)).startsWith("MERCHANT=DEMOSOFT&ORDER_REF=3954142&ORDER_AMOUNT=39.99&ORDER_CURRENCY=EUR"
                + "&IDN_DATE=2026-12-07+10%3A00%3A00&ORDER_HASH=");
    }

    @Test
    void anAnswerIsParsedAndItsHashChecked() {
        String hash = IdnMessage.Answer.sign(HmacAlgorithm.SHA256, "AABBCCDDEEFF", "3954142", "1", "Confirmed", "2026-12-07 10:00:01");
        IdnMessage.Answer a = IdnMessage.parse("<EPAYMENT>3954142|1|Confirmed|2026-12-07 10:00:01|" + hash + "</EPAYMENT>",
                HmacAlgorithm.SHA256, "AABBCCDDEEFF");
        assertThat(a.orderRef()).isEqualTo("3954142");
        assertThat(a.code()).isEqualTo("1");
        assertThat(a.message()).isEqualTo("Confirmed");
        assertThat(a.signatureValid()).isTrue();
        assertThat(IdnMessage.parse("<EPAYMENT>3954142|1|Confirmed|2026-12-07 10:00:01|" + hash + "</EPAYMENT>",
                HmacAlgorithm.SHA256, "another-key").signatureValid()).isFalse();
        assertThat(IdnMessage.parse("<EPAYMENT>3954142|2|ORDER_REF missing|2026-12-07 10:00:01</EPAYMENT>",
                HmacAlgorithm.SHA256, "k").signatureValid()).isNull();
        assertThat(IdnMessage.parse("<html>Service Unavailable</html>", HmacAlgorithm.SHA256, "k")).isNull();
    }
}
