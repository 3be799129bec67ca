package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.model.IncomingNotification;
import io.github.twocheckout.connector.model.StoreResult;
import io.github.twocheckout.connector.storage.NotificationStore;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Intake's group commit: calls that arrive while one group is written are committed together in the
 * next, each answered with its own row; repeats are counted on the row they repeat; a call the
 * database refuses fails alone, and a group the database cannot take fails at once. Each check uses
 * its own IntakeGroupCommit on the connector's database, with calls of a channel no route reads,
 * removed afterwards.
 */
class IntakeGroupCommitTest extends ConnectorTestBase {

    private static final String CHANNEL = "GROUPTEST";

    @Override
    protected Map<String, String> properties() {
        // Nothing processes the rows written here (the recovery poller would otherwise take them).
        return Map.of("processing.enabled", "false");
    }

    @AfterAll
    void removeTheRows() {
        connector.jdbc().update("DELETE FROM notification WHERE channel = ?", CHANNEL);
    }

    @Test
    void callsThatArriveWhileAGroupIsWrittenAreCommittedTogetherEachWithItsOwnRow() throws Exception {
        IntakeGroupCommit groupCommit = new IntakeGroupCommit(store());
        groupCommit.start();
        ExecutorService callers = Executors.newFixedThreadPool(21);
        try (Connection held = connector.dataSource().getConnection()) {
            // An uncommitted row with the first call's message id: the first group waits on it in ON CONFLICT.
            String first = "held-" + UUID.randomUUID();
            held.setAutoCommit(false);
            try (PreparedStatement ps = held.prepareStatement(
                    "INSERT INTO notification (channel, vendor_id, message_id, raw_body, status) VALUES (?, ?, ?, 'x', 'RECEIVED')")) {
                ps.setString(1, CHANNEL);
                ps.setLong(2, vendorId());
                ps.setString(3, first);
                ps.executeUpdate();
            }
            Future<StoreResult> firstResult = callers.submit(() -> groupCommit.store(call(first, null)));
            await().atMost(Duration.ofSeconds(10)).until(() -> groupCommit.queued() == 0 && aGroupWaitsOnALock());

            List<String> messageIds = new ArrayList<>();
            List<Future<StoreResult>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "grouped-" + i + "-" + UUID.randomUUID();
                messageIds.add(id);
                results.add(callers.submit(() -> groupCommit.store(call(id, null))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> groupCommit.queued() == 20);
            held.rollback();

            assertThat(firstResult.get().isDuplicate()).isFalse();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                StoreResult r = results.get(i).get();
                assertThat(r.isDuplicate()).isFalse();
                assertThat(r.isEnqueue()).isTrue();
                assertThat(messageIdOf(r.getNotificationId())).isEqualTo(messageIds.get(i));
                ids.add(r.getNotificationId());
            }
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(groupCommit.commits()).isEqualTo(2);
            assertThat(groupCommit.callsCommitted()).isEqualTo(21);
        } finally {
            callers.shutdownNow();
            groupCommit.stop();
        }
    }

    @Test
    void aRepeatInTheSameGroupOrOfAStoredCallIsCountedOnTheOriginalByItsCaller() throws Exception {
        IntakeGroupCommit groupCommit = new IntakeGroupCommit(store());
        String failedEvent = "event-" + UUID.randomUUID();
        long failed = connector.jdbc().queryForObject("""
                INSERT INTO notification (channel, vendor_id, event_key, raw_body, status)
                VALUES (?, ?, ?, 'x', 'FAILED') RETURNING id""", Long.class, CHANNEL, vendorId(), failedEvent);
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        List<IntakeGroupCommit.Waiting> group = List.of(new IntakeGroupCommit.Waiting(call(a, null)),
                new IntakeGroupCommit.Waiting(call(b, null)), new IntakeGroupCommit.Waiting(call(a, null)),
                new IntakeGroupCommit.Waiting(call(null, failedEvent)));

        groupCommit.write(group);

        Long first = group.get(0).result().join();
        Long second = group.get(1).result().join();
        assertThat(second).isGreaterThan(first);
        // The group inserts: a repeat (of a call before it in the same statement, or of a stored one) is left to its caller.
        assertThat(group.get(2).result().join()).isNull();
        assertThat(group.get(3).result().join()).isNull();
        assertThat(connector.jdbc().queryForList("SELECT id FROM notification WHERE message_id = ?", Long.class, a))
                .containsExactly(first);
        assertThat(connector.jdbc().queryForObject("SELECT array_to_string(subscription_refs, ' ') FROM notification WHERE id = ?",
                String.class, second)).isEqualTo("SUB-1 SUB-2");
        assertThat(groupCommit.commits()).isEqualTo(1);

        groupCommit.start();
        try {
            StoreResult repeat = groupCommit.store(call(a, null));
            assertThat(repeat.getNotificationId()).isEqualTo(first);
            assertThat(repeat.isDuplicate()).isTrue();
            assertThat(repeat.isEnqueue()).isFalse();
            // A repeat of a FAILED call is a request to try again: the row is RECEIVED and queued.
            StoreResult retry = groupCommit.store(call(null, failedEvent));
            assertThat(retry.getNotificationId()).isEqualTo(failed);
            assertThat(retry.isEnqueue()).isTrue();
        } finally {
            groupCommit.stop();
        }
        assertThat(connector.jdbc().queryForMap("SELECT status, duplicates FROM notification WHERE id = ?", failed))
                .containsEntry("status", "RECEIVED").containsEntry("duplicates", 1);
        assertThat(connector.jdbc().queryForObject("SELECT duplicates FROM notification WHERE id = ?", Integer.class, first))
                .isEqualTo(1);
    }

    @Test
    void aGroupTheDatabaseCannotTakeFailsAtOnceWithoutATryPerCall() {
        AtomicInteger connectionAttempts = new AtomicInteger();
        DataSource unreachable = new DelegatingDataSource(connector.dataSource()) {
            @Override
            public Connection getConnection() throws SQLException {
                connectionAttempts.incrementAndGet();
                throw new SQLException("Connection refused", "08001");
            }
        };
        IntakeGroupCommit groupCommit = new IntakeGroupCommit(new NotificationStore(unreachable));
        List<IntakeGroupCommit.Waiting> group = List.of(new IntakeGroupCommit.Waiting(call("x1-" + UUID.randomUUID(), null)),
                new IntakeGroupCommit.Waiting(call("x2-" + UUID.randomUUID(), null)),
                new IntakeGroupCommit.Waiting(call("x3-" + UUID.randomUUID(), null)));

        groupCommit.write(group);

        // Each call tried alone would wait out the pool's timeout in turn (seconds each, in an outage).
        assertThat(connectionAttempts).hasValue(1);
        group.forEach(w -> assertThat(w.result()).isCompletedExceptionally());
        assertThat(groupCommit.commits()).isZero();
    }

    @Test
    void aCallTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsStored() {
        IntakeGroupCommit groupCommit = new IntakeGroupCommit(store());
        String good1 = "good-" + UUID.randomUUID();
        String good2 = "good-" + UUID.randomUUID();
        // PostgreSQL refuses a NUL character in text: the group's statement fails as a whole.
        IncomingNotification refused = new IncomingNotification(CHANNEL, vendorId(), "bad-" + UUID.randomUUID(), "TEST", null,
                null, null, null, "nul\u0000byte", "application/x-www-form-urlencoded", "127.0.0.1", "test");
        List<IntakeGroupCommit.Waiting> group = List.of(new IntakeGroupCommit.Waiting(call(good1, null)),
                new IntakeGroupCommit.Waiting(refused), new IntakeGroupCommit.Waiting(call(good2, null)));

        groupCommit.write(group);

        assertThat(group.get(1).result()).isCompletedExceptionally();
        assertThat(messageIdOf(group.get(0).result().join())).isEqualTo(good1);
        assertThat(messageIdOf(group.get(2).result().join())).isEqualTo(good2);
        assertThat(groupCommit.callsCommitted()).isEqualTo(2);
    }

    @Test
    void aMostOfOneTurnsGroupsOff() throws Exception {
        IntakeGroupCommit groupCommit = new IntakeGroupCommit(store());
        groupCommit.setMaxGroup(1);
        groupCommit.start();
        try {
            String id = "alone-" + UUID.randomUUID();
            StoreResult stored = groupCommit.store(call(id, null));
            assertThat(messageIdOf(stored.getNotificationId())).isEqualTo(id);
            assertThat(stored.isEnqueue()).isTrue();
            // Stored by the caller's own thread: no writer, no group.
            assertThat(groupCommit.commits()).isZero();
        } finally {
            groupCommit.stop();
        }
    }

    private IncomingNotification call(String messageId, String eventKey) {
        return new IncomingNotification(CHANNEL, vendorId(), messageId, "TEST", null, null, eventKey, List.of("SUB-1", "SUB-2"),
                "raw=" + messageId, "application/x-www-form-urlencoded", "127.0.0.1", "test");
    }

    private NotificationStore store() {
        return connector.context().getRegistry().lookupByNameAndType("notificationStore", NotificationStore.class);
    }

    private long vendorId() {
        return connector.jdbc().queryForObject("SELECT min(id) FROM vendor", Long.class);
    }

    private String messageIdOf(long id) {
        return connector.jdbc().queryForObject("SELECT message_id FROM notification WHERE id = ?", String.class, id);
    }

    /** Whether a group's statement waits on another transaction's lock. */
    private boolean aGroupWaitsOnALock() {
        return connector.jdbc().queryForObject("""
                SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE '%unnest%' AND pid <> pg_backend_pid()""", Long.class) > 0;
    }
}
