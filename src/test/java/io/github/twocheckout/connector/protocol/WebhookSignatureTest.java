package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Standard Webhooks signatures, pinned to the specification's published test vector. */
class WebhookSignatureTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void signsThePublishedVector() {
        assertThat(WebhookSignature.header(ID, TIMESTAMP, BODY, SECRET)).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        String next = WebhookSignature.newSecret();
        String header = WebhookSignature.header(ID, TIMESTAMP, BODY, next, SECRET);
        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(WebhookSignature.verify(SECRET, ID, String.valueOf(TIMESTAMP), BODY, header, TIMESTAMP, 300)).isTrue();
        assertThat(WebhookSignature.verify(next, ID, String.valueOf(TIMESTAMP), BODY, header, TIMESTAMP, 300)).isTrue();
        assertThat(WebhookSignature.header(ID, TIMESTAMP, BODY, SECRET, null)).doesNotContain(" ");
    }

    @Test
    void aChangedBodyIdOrStaleTimestampDoesNotVerify() {
        String header = WebhookSignature.header(ID, TIMESTAMP, BODY, SECRET);
        assertThat(WebhookSignature.verify(SECRET, ID, String.valueOf(TIMESTAMP), BODY + " ", header, TIMESTAMP, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "msg_other", String.valueOf(TIMESTAMP), BODY, header, TIMESTAMP, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, String.valueOf(TIMESTAMP), BODY, header, TIMESTAMP + 301, 300)).isFalse();
        assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), ID, String.valueOf(TIMESTAMP), BODY, header, TIMESTAMP, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, String.valueOf(TIMESTAMP), BODY, "v2," + header.substring(3), TIMESTAMP, 300)).isFalse();
    }

    @Test
    void secretsAreWhsecBase64OfEnoughBytes() {
        assertThat(WebhookSignature.isSecret(WebhookSignature.newSecret())).isTrue();
        assertThat(WebhookSignature.isSecret(SECRET)).isTrue();
        assertThat(WebhookSignature.isSecret("whsec_c2hvcnQ=")).isFalse();
        assertThat(WebhookSignature.isSecret("not base64 at all!")).isFalse();
    }
}
