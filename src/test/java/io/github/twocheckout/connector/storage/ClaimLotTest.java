package io.github.twocheckout.connector.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.Longs;
import io.github.twocheckout.connector.support.QueryPlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The claim of a lot, the only way processing takes work from the table: oldest first, from the index
 * of unfinished rows (it runs at every lot, however many notifications were processed before), and
 * never a row another transaction holds, so that workers and instances share the backlog.
 */
class ClaimLotTest extends ConnectorTestBase {

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

                assertThat(Longs.query(c, NotificationStore.claimLotSql(10))).containsSubsequence(older, newer);
                QueryPlan plan = QueryPlan.explainAnalyze(c, NotificationStore.claimLotSql(10));
                assertThat(plan.text()).contains("notification_pending_idx");
                assertThat(plan.rowsRemovedByFilter()).as(plan.text()).isLessThan(1000);
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void aTransactionLeftHangingGivesItsRowsUpAfterTheLease() {
        // Every pooled connection ends a transaction idle for processing.lease-seconds (5 s in the test profile).
        assertThat(connector.jdbc().queryForObject("SHOW idle_in_transaction_session_timeout", String.class)).isEqualTo("5s");
    }

    @Test
    void twoClaimsAtOnceTakeDifferentRows() throws Exception {
        // The connector's own workers would take the committed rows first.
        connector.stopProcessing();
        List<Long> waiting = new ArrayList<>();
        try (Connection setup = connector.dataSource().getConnection(); Statement s = setup.createStatement()) {
            for (int i = 0; i < 6; i++) {
                waiting.add(insertReceived(s, (10 + i) + " minutes"));
            }
            try (Connection first = connector.dataSource().getConnection(); Connection second = connector.dataSource().getConnection()) {
                first.setAutoCommit(false);
                second.setAutoCommit(false);
                List<Long> a = Longs.query(first, NotificationStore.claimLotSql(4));
                List<Long> b = Longs.query(second, NotificationStore.claimLotSql(4));
                assertThat(a).hasSize(4);
                assertThat(b).isNotEmpty().doesNotContainAnyElementsOf(a);
                first.rollback();
                // Rolled back, the first lot's rows are there for the next claim.
                assertThat(Longs.query(first, NotificationStore.claimLotSql(100))).containsAll(a).doesNotContainAnyElementsOf(b);
                first.rollback();
                second.rollback();
            } finally {
                s.execute("DELETE FROM notification WHERE id IN (" + String.join(",", waiting.stream().map(String::valueOf).toList()) + ")");
            }
        } finally {
            connector.startProcessing();
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
