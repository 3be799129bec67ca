package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * One round of the outbox sender sends everything that is due, batch after batch: at one batch per
 * round, emails written faster than that fell behind for as long as the load lasted.
 */
class MailOutboxDrainTest {

    @Test
    void oneRoundSendsEveryDueEmailInBatches() throws Exception {
        // Batches of 10, and a timer that will not tick again during the test: the round is run by hand.
        try (RunningConnector c = RunningConnector.start(Map.of("mail.outbox.batch", "10", "mail.outbox.poll-ms", "3600000"))) {
            c.context().getRouteController().stopRoute("mail-outbox");
            String run = "drain-" + UUID.randomUUID();
            for (int i = 0; i < 35; i++) {
                c.jdbc().update("""
                        INSERT INTO mail_outbox (dedup_key, kind, mail_from, mail_to, subject, body)
                        VALUES (?, 'vendor-success', 'connector@test', 'vendor@drain.test', ?, 'body')""",
                        run + ":" + i, "drain test " + i);
            }

            try (ProducerTemplate template = c.context().createProducerTemplate()) {
                template.sendBody("direct:mail-outbox-drain", null);
            }

            // The round returns once everything due is sent: four claims (10, 10, 10, 5), each email once.
            Map<String, Object> counts = c.jdbc().queryForMap("""
                    SELECT count(*) FILTER (WHERE status = 'SENT') AS sent, count(*) FILTER (WHERE status = 'PENDING') AS pending,
                           max(attempts) AS max_attempts
                    FROM mail_outbox WHERE dedup_key LIKE ?""", run + ":%");
            assertThat(((Number) counts.get("sent")).intValue()).isEqualTo(35);
            assertThat(((Number) counts.get("pending")).intValue()).isZero();
            assertThat(((Number) counts.get("max_attempts")).intValue()).isEqualTo(1);
            // Each claim's emails are marked SENT together, in one statement (one sent_at per batch).
            Integer marks = c.jdbc().queryForObject("SELECT count(DISTINCT sent_at) FROM mail_outbox WHERE dedup_key LIKE ?",
                    Integer.class, run + ":%");
            assertThat(marks).isEqualTo(4);
        }
    }

    @Test
    void aStopInTheMiddleOfABacklogLeavesTheRestForTheRestartAndSendsNoEmailTwice() throws Exception {
        String run = "stop-" + UUID.randomUUID();
        int backlog = 120;
        RunningConnector first = RunningConnector.start();
        for (int i = 0; i < backlog; i++) {
            first.jdbc().update("""
                    INSERT INTO mail_outbox (dedup_key, kind, mail_from, mail_to, subject, body)
                    VALUES (?, 'vendor-success', 'connector@test', 'vendor@drain.test', ?, 'body')""",
                    run + ":" + i, run + " " + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received(run).size() >= 5);
        first.close();
        int beforeTheRestart = received(run).size();
        // The stop did not wait for the backlog (each email over SMTP takes a while): the rest is still due.
        assertThat(beforeTheRestart).isLessThan(backlog);

        try (RunningConnector second = RunningConnector.start()) {
            // What the first one had claimed and not sent goes once its claim's lease ends.
            await().atMost(Duration.ofSeconds(60)).until(() -> received(run).size() >= backlog);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.jdbc().queryForObject(
                    "SELECT count(*) FROM mail_outbox WHERE dedup_key LIKE ? AND status = 'SENT'", Integer.class, run + ":%") == backlog);
        }
        List<String> subjects = received(run);
        assertThat(subjects).hasSize(backlog).doesNotHaveDuplicates();
    }

    private static List<String> received(String run) {
        return Arrays.stream(SharedInfrastructure.greenMail().getReceivedMessages()).map(MailOutboxDrainTest::subject)
                .filter(subject -> subject != null && subject.startsWith(run + " ")).toList();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
