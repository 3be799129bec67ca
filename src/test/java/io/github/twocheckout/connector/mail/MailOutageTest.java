package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SMTP away for a while: processing is not held up, emails wait in the outbox, then each goes out once. */
class MailOutageTest {

    @Test
    void emailsWaitForSmtpAndAreThenDeliveredExactlyOnce() throws Exception {
        int smtpPort = SharedInfrastructure.freePort();
        GreenMail smtp = null;
        try (RunningConnector c = RunningConnector.start(Map.of("mail.smtp.url", "smtp://127.0.0.1:" + smtpPort))) {
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
                c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
                orders.add(post.saleId());
            }
            // Licensing does not wait for mail: every order is processed while SMTP is down.
            await().atMost(Duration.ofSeconds(30)).until(() -> orders.stream().allMatch(o -> c.notifications(o).stream()
                    .allMatch(n -> "PROCESSED".equals(n.get("status")))));
            await().atMost(Duration.ofSeconds(30)).until(() -> c.jdbc().queryForObject("""
                    SELECT count(*) FROM mail_outbox o JOIN notification n ON n.id = o.notification_id
                    WHERE n.order_ref = ANY (?) AND o.status = 'PENDING' AND o.attempts >= 2 AND o.last_error IS NOT NULL""",
                    Integer.class, (Object) orders.toArray(String[]::new)) == orders.size());

            smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            GreenMail server = smtp;
            await().atMost(Duration.ofSeconds(30)).until(() -> c.jdbc().queryForObject("""
                    SELECT count(*) FROM mail_outbox o JOIN notification n ON n.id = o.notification_id
                    WHERE n.order_ref = ANY (?) AND o.status = 'SENT'""", Integer.class, (Object) orders.toArray(String[]::new))
                    == orders.size());
            MimeMessage[] received = server.getReceivedMessages();
            for (String order : orders) {
                long copies = Arrays.stream(received).filter(m -> subject(m).contains("order " + order)).count();
                // One email per order; GreenMail keeps one message per recipient (vendor contact and ops).
                assertThat(copies).as("emails about order " + order).isEqualTo(2);
            }
            int licenses = orders.stream().mapToInt(o -> c.licenses(o).size()).sum();
            String row = String.format("| SMTP away, then back (%d emails waited in the outbox, each delivered once) | %d | %d | %d | %d | 0 | 0 | 0 | 0 |",
                    orders.size(), orders.size(), orders.size(), orders.size(), licenses);
            System.out.println(row);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target/reliability.md"), row + "\n",
                    java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } finally {
            if (smtp != null) {
                smtp.stop();
            }
        }
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return "";
        }
    }
}
