package io.github.twocheckout.connector.processing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answering 2Checkout before processing what it sent, when both want the same cores. It counts the calls
 * to the 2Checkout endpoints from the moment each request comes in until it is answered
 * ({@link io.github.twocheckout.connector.protocol.IntakeBodyCollector} tells it, for every call, on the
 * event loop). Its other half, {@link YieldToIntake}, is the route policy of a processing lot: before a
 * lot begins, its worker waits while {@code yieldAt} or more calls are in flight, and until that has not
 * been so for {@code calmMillis}. What waits is already committed (RECEIVED), so nothing is at risk: a
 * burst is acknowledged at about the pace of intake alone, and its licenses follow when the burst ends.
 * The key generator's own work is part of its call, so its answers keep their pace too.
 *
 * <p>Counted from the request's arrival, not from the route's start: on two saturated cores most of a
 * call's time is spent before its route runs (read, queued for a worker thread), and counted in the
 * routes only, the calls of 32 busy connections were 0 to 7 at any moment, below the mark, so that
 * processing was let in throughout a burst.
 *
 * <p>The calm period is what makes the priority hold: under a burst the count dips below the mark for
 * moments all the time (the callers themselves wait for the cores), and workers let in at each dip take
 * half the machine. It is counted from the moment the count was last at the mark, arriving or leaving:
 * counted from the last arrival only, a count that stayed high while no call came in read as calm the
 * moment it dipped. 100 ms of calm holds a burst of 32 connections (20 ms did not, docs/benchmarks.md).
 *
 * <p>A worker waits at most {@code maxYieldMillis} per lot, then goes on anyway: under intake that never
 * lets up, processing goes on at a trickle rather than not at all. {@code yieldAt} 0 turns it off.
 */
public class IntakePriority {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private int yieldAt = 8;
    private long maxYieldMillis = 1000;
    private long calmNanos = TimeUnit.MILLISECONDS.toNanos(100);
    /** When the count was last at or above the mark (long ago at start). */
    private volatile long lastBusy = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    /** A call to a 2Checkout endpoint arrived (IntakeBodyCollector, as its request comes in). */
    public void callBegan() {
        if (inFlight.incrementAndGet() >= yieldAt && yieldAt > 0) {
            lastBusy = System.nanoTime();
        }
    }

    /** ... and was answered, or its connection went. */
    public void callEnded() {
        if (inFlight.getAndDecrement() >= yieldAt && yieldAt > 0) {
            lastBusy = System.nanoTime();
        }
    }

    /**
     * Returns once intake has been calm (true), or after the longest wait (false): a worker let in that
     * way takes one notification, not a lot, so that under intake that never lets up processing stays a
     * trickle (a lot would take the cores from the calls for its whole length).
     */
    public boolean awaitTurn() throws InterruptedException {
        if (quietFor() >= calmNanos) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxYieldMillis);
        waiting.incrementAndGet();
        try {
            long quiet;
            while ((quiet = quietFor()) < calmNanos) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(left, calmNanos - quiet));
            }
            return true;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** How long intake has been below the mark: 0 while it is at or above it. */
    private long quietFor() {
        if (yieldAt <= 0) {
            return Long.MAX_VALUE;
        }
        return inFlight.get() >= yieldAt ? 0 : System.nanoTime() - lastBusy;
    }

    /** Calls the endpoints are answering now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Workers waiting for intake to have room now. */
    public int waitingWorkers() {
        return waiting.get();
    }

    public void setYieldAt(int yieldAt) {
        this.yieldAt = yieldAt;
    }

    public void setMaxYieldMillis(long maxYieldMillis) {
        this.maxYieldMillis = maxYieldMillis;
    }

    public void setCalmMillis(long calmMillis) {
        this.calmNanos = TimeUnit.MILLISECONDS.toNanos(calmMillis);
    }
}
