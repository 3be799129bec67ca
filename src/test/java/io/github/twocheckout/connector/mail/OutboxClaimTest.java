package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.Longs;
import io.github.twocheckout.connector.support.QueryPlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The outbox keeps every email it sent. The sender's claim, once a second, must read the pending rows
 * only, however many were sent before: ordered by id it walked the primary key through all of them.
 */
class OutboxClaimTest extends ConnectorTestBase {

    @Test
    void theClaimReadsThePendingEmailsOnlyOldestDueFirstHoweverManyWereSent() throws Exception {
        try (Connection c = connector.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // All in one transaction, rolled back: the running sender never sees these rows.
                s.execute("""
                        INSERT INTO mail_outbox (dedup_key, kind, mail_from, mail_to, subject, body, status, sent_at)
                        SELECT 'claim-test:sent:' || g, 'vendor-success', 'from@test', 'to@test', 's', 'b', 'SENT', now()
                        FROM generate_series(1, 20000) g""");
                long older = insertPending(s, "2 hours");
                long newer = insertPending(s, "1 hour");
                // With neither a sequential scan nor a sort to choose, the plan shows which index gives the
                // claim its order: it must be one that holds the pending rows only.
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL enable_sort = off");

                // Oldest due first, one at a time (RETURNING gives no order of its own); a claimed row is
                // leased, so the next claim takes the next one.
                assertThat(Longs.query(c, MailOutbox.CLAIM_DUE, 60, 1)).containsExactly(older);
                assertThat(Longs.query(c, MailOutbox.CLAIM_DUE, 60, 1)).containsExactly(newer);

                QueryPlan plan = QueryPlan.explainAnalyze(c, MailOutbox.CLAIM_DUE, 60, 100);
                assertThat(plan.rowsRemovedByFilter()).as(plan.text()).isLessThan(1000);
            } finally {
                c.rollback();
            }
        }
    }

    private static long insertPending(Statement s, String age) throws java.sql.SQLException {
        try (ResultSet rs = s.executeQuery("""
                INSERT INTO mail_outbox (dedup_key, kind, mail_from, mail_to, subject, body, next_attempt_at)
                VALUES ('claim-test:pending:%1$s', 'vendor-success', 'from@test', 'to@test', 's', 'b', now() - interval '%1$s')
                RETURNING id""".formatted(age))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
