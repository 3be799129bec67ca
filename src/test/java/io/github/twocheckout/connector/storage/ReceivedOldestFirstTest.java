package io.github.twocheckout.connector.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.Longs;
import io.github.twocheckout.connector.support.QueryPlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The recovery poller looks for the waiting rows a full hand-off dropped every few seconds while a
 * backlog lasts: it must read the unfinished rows only, however many notifications were processed.
 */
class ReceivedOldestFirstTest extends ConnectorTestBase {

    @Test
    void theWaitingRowsComeOldestFirstFromTheIndexOfUnfinishedRows() throws Exception {
        try (Connection c = connector.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // All in one transaction, rolled back: the running connector never sees these rows.
                s.execute("""
                        INSERT INTO notification (channel, raw_body, status, received_at)
                        SELECT 'INS', 'x', 'PROCESSED', now() - interval '3 hours' FROM generate_series(1, 20000)""");
                long newer = insertReceived(s, "1 hour");
                long older = insertReceived(s, "2 hours");
                // With neither a sequential scan nor a sort to choose, the plan shows which index gives the
                // order: it must be one that holds the unfinished rows only.
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL enable_sort = off");

                assertThat(Longs.query(c, NotificationStore.RECEIVED_OLDEST_FIRST, 10)).containsSubsequence(older, newer);
                QueryPlan plan = QueryPlan.explainAnalyze(c, NotificationStore.RECEIVED_OLDEST_FIRST, 10);
                assertThat(plan.text()).contains("notification_pending_idx");
                assertThat(plan.rowsRemovedByFilter()).as(plan.text()).isLessThan(1000);
            } finally {
                c.rollback();
            }
        }
    }

    private static long insertReceived(Statement s, String age) throws java.sql.SQLException {
        try (ResultSet rs = s.executeQuery("""
                INSERT INTO notification (channel, raw_body, status, received_at)
                VALUES ('INS', 'x', 'RECEIVED', now() - interval '%s') RETURNING id""".formatted(age))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
