package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmtpUriTest {

    private static String uri(String url, boolean allowPlaintext) {
        SmtpUri s = new SmtpUri();
        s.setUrl(url);
        s.setTimeoutMillis(7000);
        s.setAllowPlaintextAuth(allowPlaintext);
        return s.uri();
    }

    @Test
    void noServerMeansNoUri() {
        assertThat(uri("", false)).isEmpty();
    }

    @Test
    void everySendIsBoundedInTime() {
        assertThat(uri("smtp://127.0.0.1:2525", false))
                .isEqualTo("smtp://127.0.0.1:2525?connectionTimeout=7000&mail.smtp.writetimeout=7000");
        assertThat(uri("smtp://h:25?connectionTimeout=2000", false)).isEqualTo("smtp://h:25?connectionTimeout=2000&mail.smtp.writetimeout=7000");
    }

    @Test
    void aPasswordOverPlainSmtpRequiresStarttlsUnlessAllowed() {
        assertThat(uri("smtp://mail.example.com:587?username=c&password=RAW(s)", false))
                .contains("mail.smtp.starttls.enable=true", "mail.smtp.starttls.required=true");
        assertThat(uri("smtp://mail.example.com:587?username=c&password=RAW(s)", true)).doesNotContain("starttls");
        assertThat(uri("smtps://mail.example.com:465?username=c&password=RAW(s)", false)).doesNotContain("starttls");
        assertThat(uri("smtp://relay:25", false)).doesNotContain("starttls");
        assertThat(uri("smtp://h:587?username=c&mail.smtp.starttls.required=false", false))
                .contains("mail.smtp.starttls.required=false").doesNotContain("starttls.required=true");
    }
}
