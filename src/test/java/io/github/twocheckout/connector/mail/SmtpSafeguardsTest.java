package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbox's SMTP sends: a server that accepts and then says nothing costs an email a bounded wait,
 * not the sender half a minute per try; and a password is never sent over a connection without TLS.
 */
class SmtpSafeguardsTest {

    private static String post(RunningConnector c) {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        c.http().contentType("application/x-www-form-urlencoded").body(order.body()).post("/2co/ins").then().statusCode(200);
        return order.saleId();
    }

    private static Map<String, Object> outbox(RunningConnector c, String order) {
        List<Map<String, Object>> rows = c.jdbc().queryForList("""
                SELECT o.status, o.attempts, o.last_error FROM mail_outbox o JOIN notification n ON n.id = o.notification_id
                WHERE n.order_ref = ?""", order);
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    @Test
    void aServerThatHangsCostsAnEmailTheTimeLimitNotHalfAMinute() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // accepted, never greeted
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (RunningConnector c = RunningConnector.start(Map.of("mail.smtp.url", "smtp://127.0.0.1:" + silent.getLocalPort(),
                    "mail.smtp.timeout-ms", "1000", "mail.outbox.retry-delay-seconds", "1"))) {
                String order = post(c);
                // Two tries given up within seconds (the camel-mail default waits 30 s for each).
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    Map<String, Object> row = outbox(c, order);
                    return row.get("attempts") instanceof Number n && n.intValue() >= 2;
                });
                assertThat(outbox(c, order)).containsEntry("status", "PENDING");
                // JavaMail reports the read that timed out ("Exception reading response").
                assertThat((String) outbox(c, order).get("last_error")).isNotBlank();
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aPasswordIsNotSentWithoutStarttls() throws Exception {
        int port = SharedInfrastructure.freePort();
        // A plain SMTP server that offers no STARTTLS and would take any login.
        GreenMail plain = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        plain.setUser("connector", "smtp-password-1");
        plain.start();
        try (RunningConnector c = RunningConnector.start(Map.of(
                "mail.smtp.url", "smtp://127.0.0.1:" + port + "?username=connector&password=RAW(smtp-password-1)"))) {
            String order = post(c);
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox(c, order).get("last_error") != null);
            assertThat(outbox(c, order)).containsEntry("status", "PENDING");
            assertThat((String) outbox(c, order).get("last_error")).containsIgnoringCase("STARTTLS").doesNotContain("smtp-password-1");
            assertThat(plain.getReceivedMessages()).isEmpty();
        } finally {
            plain.stop();
        }
        // Allowed on purpose (a relay on the same host): it goes through.
        GreenMail relay = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.setUser("connector", "smtp-password-1");
        relay.start();
        try (RunningConnector c = RunningConnector.start(Map.of(
                "mail.smtp.url", "smtp://127.0.0.1:" + port + "?username=connector&password=RAW(smtp-password-1)",
                "mail.smtp.allow-plaintext-auth", "true"))) {
            String order = post(c);
            await().atMost(Duration.ofSeconds(30)).until(() -> "SENT".equals(outbox(c, order).get("status")));
        } finally {
            relay.stop();
        }
    }
}
