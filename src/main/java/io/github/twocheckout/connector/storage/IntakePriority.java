package io.github.twocheckout.connector.storage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;

/**
 * Answering 2Checkout before processing what it sent, when both want the same cores. Attached as the
 * route policy of the endpoints' routes, it counts the calls they are answering; a processing worker
 * calls {@link #awaitTurn} before it takes a notification, and waits while {@code yieldAt} or more calls
 * are in flight. What waits is already committed (RECEIVED), so nothing is at risk: a burst is
 * acknowledged at the pace of intake alone (about five times faster than with processing alongside on
 * two cores), and its licenses follow when the burst ends. The key generator's own work is part of
 * its call, so its answers keep their pace too.
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition calm = lock.newCondition();
    /** Workers in {@link #awaitTurn}; read without the lock, so that a call ending signals only when someone waits. */
    private final AtomicInteger waiting = new AtomicInteger();
    private int yieldAt = 8;
    private long maxYieldMillis = 1000;

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
        inFlight.incrementAndGet();
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (inFlight.decrementAndGet() < yieldAt && waiting.get() > 0) {
            lock.lock();
            try {
                calm.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Called by a processing worker before it takes a notification: returns once intake has room, or after the longest wait. */
    public void awaitTurn() throws InterruptedException {
        if (!busy()) {
            return;
        }
        long left = TimeUnit.MILLISECONDS.toNanos(maxYieldMillis);
        lock.lock();
        waiting.incrementAndGet();
        try {
            // Checked again under the lock: a call ending in between would otherwise signal nobody.
            while (busy() && left > 0) {
                left = calm.awaitNanos(left);
            }
        } finally {
            waiting.decrementAndGet();
            lock.unlock();
        }
    }

    private boolean busy() {
        return yieldAt > 0 && inFlight.get() >= yieldAt;
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
}
