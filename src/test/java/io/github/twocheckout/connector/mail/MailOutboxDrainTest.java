package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.RunningConnector;
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
}
