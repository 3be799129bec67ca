package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.processing.IntakePriority;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SignedPost;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Intake first: while calls are being answered, and for a calm period after, a processing worker waits
 * before it takes the next lot (route policy yieldToIntake), at most processing.yield-max-ms. A call is held in flight here by a row lock on the
 * original of a repeated INS notification: the repeat's duplicate count waits for it, inside the call.
 */
class IntakePriorityTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aWorkerWaitsWhileACallIsBeingAnsweredAndGoesOnWhenItIsAnswered() throws Exception {
        try (RunningConnector c = RunningConnector.start(Map.of("processing.yield-to-intake-at", "1",
                "processing.yield-max-ms", "600000"))) {
            IntakePriority priority = priority(c);
            try (HeldCall held = holdACallWithAnOrderQueued(c, priority)) {
                c.startProcessing();
                await().atMost(PATIENCE).until(() -> priority.waitingWorkers() >= 1);
                // The worker waits before its lot: the queued order not claimed, no attempt made.
                assertThat(c.notifications(held.queued().saleId())).singleElement()
                        .satisfies(row -> assertThat(row).containsEntry("status", "RECEIVED").containsEntry("attempts", 0));
                assertThat(held.repeat()).isNotDone();

                held.answer();
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(c.licenses(held.queued().saleId())).hasSize(1));
            }
            assertThat(priority.waitingWorkers()).isZero();
        }
    }

    @Test
    void aWorkerWaitsNoLongerThanTheLongestYield() throws Exception {
        try (RunningConnector c = RunningConnector.start(Map.of("processing.yield-to-intake-at", "1",
                "processing.yield-max-ms", "300"))) {
            IntakePriority priority = priority(c);
            try (HeldCall held = holdACallWithAnOrderQueued(c, priority)) {
                c.startProcessing();
                // Intake never lets up here (the call stays in flight), and the order is processed anyway.
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(c.licenses(held.queued().saleId())).hasSize(1));
                assertThat(held.repeat()).isNotDone();
                assertThat(priority.inFlight()).isEqualTo(1);
                held.answer();
            }
        }
    }

    @Test
    void everyEndpointCountsItsCallsWhileAnsweringAndNoLonger() throws Exception {
        try (RunningConnector c = RunningConnector.start()) {
            IntakePriority priority = priority(c);
            assertThat(c.context().getRoute("notification-lot").getRoutePolicyList()).filteredOn(p -> p instanceof io.github.twocheckout.connector.processing.YieldToIntake).singleElement()
                    .isInstanceOf(io.github.twocheckout.connector.processing.YieldToIntake.class);
            // Answered, rejected, and an unknown message type: each call leaves the count as it found it.
            post(c, InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro"));
            c.http().contentType("application/x-www-form-urlencoded")
                    .body(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").secretWord("guessed").body())
                    .post("/2co/ins").then().statusCode(403);
            c.http().contentType("application/x-www-form-urlencoded")
                    .body(SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1).body())
                    .post("/2co/ipn").then().statusCode(200);
            c.http().contentType("application/x-www-form-urlencoded").body(SignedPost.keygen("5001", "ACME-PRO", 1).body())
                    .post("/2co/keygen?merchant=ACME").then().statusCode(200);
            c.http().contentType("application/x-www-form-urlencoded").body("not a form at all")
                    .post("/2co/lcn").then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
            await().atMost(PATIENCE).until(() -> priority.inFlight() == 0);
        }
    }

    @Test
    void aWorkerWaitsForTheCalmPeriodAfterTheLastBusyMoment() throws Exception {
        IntakePriority priority = new IntakePriority();
        priority.setYieldAt(2);
        priority.setCalmMillis(200);
        priority.setMaxYieldMillis(60_000);
        // Below the mark: no wait at all.
        priority.callBegan();
        assertThat(CompletableFuture.runAsync(() -> awaitTurn(priority))).succeedsWithin(PATIENCE);
        // At the mark, then back below it: the worker waits on, for the calm period from that moment.
        priority.callBegan();
        long busy = System.nanoTime();
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> awaitTurn(priority));
        await().atMost(PATIENCE).until(() -> priority.waitingWorkers() == 1);
        priority.callEnded();
        assertThat(worker).succeedsWithin(PATIENCE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - busy)).isGreaterThanOrEqualTo(200);
        priority.callEnded();
        assertThat(priority.inFlight()).isZero();
    }

    private static void awaitTurn(IntakePriority priority) {
        try {
            priority.awaitTurn();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An order queued for the stopped workers, and a repeated call held in flight by a row lock on its original. */
    private record HeldCall(InsPost queued, Connection lock, CompletableFuture<Integer> repeat) implements AutoCloseable {
        /** Releases the row: the held call is answered (a duplicate, 200). */
        void answer() throws Exception {
            lock.rollback();
            assertThat(repeat.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(200);
        }

        @Override
        public void close() throws Exception {
            lock.close();
        }
    }

    private static HeldCall holdACallWithAnOrderQueued(RunningConnector c, IntakePriority priority) throws Exception {
        InsPost original = licensedOrder(c);
        c.stopProcessing();
        InsPost queued = post(c, InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro"));
        Connection lock = lockRow(c, original);
        CompletableFuture<Integer> repeat = CompletableFuture.supplyAsync(() -> statusOf(c, original));
        await().atMost(PATIENCE).until(() -> priority.inFlight() == 1);
        return new HeldCall(queued, lock, repeat);
    }

    private static IntakePriority priority(RunningConnector c) {
        return c.context().getRegistry().lookupByNameAndType("intakePriority", IntakePriority.class);
    }

    private static InsPost licensedOrder(RunningConnector c) {
        InsPost order = post(c, InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(c.licenses(order.saleId())).hasSize(1));
        return order;
    }

    private static InsPost post(RunningConnector c, InsPost post) {
        assertThat(statusOf(c, post)).isEqualTo(200);
        return post;
    }

    private static int statusOf(RunningConnector c, InsPost post) {
        return c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").statusCode();
    }

    /** A transaction holding the order's notification row: a repeat of it waits for this in its call. */
    private static Connection lockRow(RunningConnector c, InsPost order) throws Exception {
        Connection lock = c.dataSource().getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement select = lock.prepareStatement("SELECT id FROM notification WHERE order_ref = ? FOR UPDATE")) {
            select.setString(1, order.saleId());
            select.executeQuery().close();
        }
        return lock;
    }
}
