package io.github.twocheckout.connector.mail;

import java.util.Locale;

/**
 * The camel-mail endpoint the outbox sends through: {@code mail.smtp.url} with two safeguards added
 * unless the URL sets them itself. A time limit on connecting, reading and writing
 * ({@code mail.smtp.timeout-ms}), so that a server that hangs costs one email a few seconds, not the
 * sender 30 s per try. And for a plain {@code smtp://} URL with a username, STARTTLS required, so that
 * the password never crosses the network in clear text; a server that offers no STARTTLS is refused,
 * unless {@code mail.smtp.allow-plaintext-auth} is true (a relay on the same host, say).
 */
public class SmtpUri {

    private String url = "";
    private int timeoutMillis = 10_000;
    private boolean allowPlaintextAuth;

    /** The endpoint URI; empty when no SMTP server is configured (emails are written to files). */
    public String uri() {
        String u = url == null ? "" : url.trim();
        if (u.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(u);
        String lower = u.toLowerCase(Locale.ROOT);
        if (!lower.contains("connectiontimeout=")) {
            append(sb, "connectionTimeout=" + timeoutMillis);
        }
        if (!lower.contains("mail.smtp.writetimeout=")) {
            append(sb, "mail.smtp.writetimeout=" + timeoutMillis);
        }
        boolean authenticates = lower.contains("username=");
        if (lower.startsWith("smtp:") && authenticates && !allowPlaintextAuth) {
            if (!lower.contains("mail.smtp.starttls.enable=")) {
                append(sb, "mail.smtp.starttls.enable=true");
            }
            if (!lower.contains("mail.smtp.starttls.required=")) {
                append(sb, "mail.smtp.starttls.required=true");
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String parameter) {
        sb.append(sb.indexOf("?") < 0 ? '?' : '&').append(parameter);
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public void setTimeoutMillis(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public void setAllowPlaintextAuth(boolean allowPlaintextAuth) {
        this.allowPlaintextAuth = allowPlaintextAuth;
    }
}
