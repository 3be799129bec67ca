package io.github.twocheckout.connector.storage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;

/**
 * Answering 2Checkout before processing what it sent, when both want the same cores. Attached as the
 * route policy of the endpoints' routes, it counts the calls they are answering; a processing worker
 * calls {@link #awaitTurn} before it takes a notification, and waits while {@code yieldAt} or more calls
 * are in flight, and until that has not been so for {@code calmMillis}. What waits is already
 * committed (RECEIVED), so nothing is at risk: a burst is acknowledged at about the pace of intake
 * alone, and its licenses follow when the burst ends. The key generator's own work is part of its
 * call, so its answers keep their pace too.
 *
 * <p>The calm period is what makes the priority hold: on two saturated cores the count dips below the
 * mark for moments all the time (a call queued for a core is not in a route yet), and workers let in
 * at each dip took half the machine (0.25 of the bare ingest limit acknowledged, against 0.5 for intake
 * alone); with 20 ms of calm asked for, intake keeps it.
 *
 * <p>A worker waits at most {@code maxYieldMillis} per notification, then takes one anyway: under
 * intake that never lets up, processing goes on at a trickle (one notification per worker per wait)
 * rather than not at all. {@code yieldAt} 0 turns it off.
 *
 * <p>A plain RoutePolicy, not a service: Camel skips the begin and done calls of a policy service that
 * is not running, and one route stopping would stop the policy shared by all four, so that a call
 * begun before counted for ever.
 */
public class IntakePriority implements RoutePolicy {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private int yieldAt = 8;
    private long maxYieldMillis = 1000;
    private long calmNanos = TimeUnit.MILLISECONDS.toNanos(20);
    /** When a call last began with the count at or above the mark (long ago at start). */
    private volatile long lastBusy = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    @Override
    public void onInit(Route route) {
    }

    @Override
    public void onRemove(Route route) {
    }

    @Override
    public void onStart(Route route) {
    }

    @Override
    public void onStop(Route route) {
    }

    @Override
    public void onSuspend(Route route) {
    }

    @Override
    public void onResume(Route route) {
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        if (inFlight.incrementAndGet() >= yieldAt && yieldAt > 0) {
            lastBusy = System.nanoTime();
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        inFlight.decrementAndGet();
    }

    /** Called by a processing worker before it takes a notification: returns once intake has been calm, or after the longest wait. */
    public void awaitTurn() throws InterruptedException {
        if (quietFor() >= calmNanos) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxYieldMillis);
        waiting.incrementAndGet();
        try {
            long quiet;
            while ((quiet = quietFor()) < calmNanos) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(left, calmNanos - quiet));
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    /**
     * True when intake has been calm for the calm period (or the priority is off): a worker that got its
     * turn this way may take a whole lot; one let in by the longest wait takes a single notification,
     * so that under intake that never lets up processing stays a trickle (a lot would take the cores
     * from the calls for its whole length: 0.55 of the bare ingest limit acknowledged, against 0.83-0.87).
     */
    public boolean calm() {
        return quietFor() >= calmNanos;
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
