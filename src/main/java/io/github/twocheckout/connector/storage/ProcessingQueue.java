package io.github.twocheckout.connector.storage;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory hand-off to the processing workers (seda:notification-process). The database is the
 * real queue: what does not fit in the hand-off stays committed as RECEIVED. The recovery poller tops
 * the hand-off up with the rows it had to drop ({@link #requeueOverflowed}), and with stalled rows only
 * when it runs low, so that under a backlog it does not queue again, as "stalled", rows that merely
 * wait their turn (each such copy costs a worker a claim, and crowds new arrivals out of a full queue).
 */
public class ProcessingQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingQueue.class);

    private String endpointUri;
    private volatile SedaEndpoint endpoint;
    private boolean enabled = true;
    private int lotSize = 1;
    private IntakePriority intakePriority;
    private NotificationStore store;
    /** Rows may wait as RECEIVED that the hand-off does not hold: true at start, and after a drop. */
    private volatile boolean overflow = true;

    public ProcessingQueue() {
        setEndpointUri("seda:notification-process");
    }

    /**
     * Hands the notification id in the body to the workers, in an exchange of its own. A `to` step would
     * queue a copy of the caller's exchange with all its variables (the request's raw body, the parsed
     * message): under a backlog of thousands that is tens of megabytes of heap, full collections, and
     * with large IPN bodies a risk of running out of memory. A full queue drops the id: the row is
     * committed, and the recovery poller queues it again as soon as there is room.
     */
    public void offer(Exchange exchange) {
        offer(exchange.getContext(), exchange.getMessage().getBody(Long.class));
    }

    /**
     * Hands the row intake has just stored (variable "stored") to the workers when it is to be processed:
     * new, or a repeat of one that had failed; a duplicate of a stored call is not queued again.
     */
    public void offerStored(Exchange exchange) {
        StoreResult stored = exchange.getVariable("stored", StoreResult.class);
        if (stored == null) {
            // A route edited so that nothing was stored before this step: say so, rather than leave new
            // rows to wait silently for the recovery poller.
            throw new IllegalStateException("direct:notification-enqueue needs variable 'stored' (set by notificationStore.store)");
        }
        if (stored.isEnqueue()) {
            offer(exchange.getContext(), stored.getNotificationId());
        }
    }

    void offer(CamelContext context, long id) {
        if (!enabled) {
            return; // an instance that does not process (processing.enabled=false): the row waits for the others
        }
        Exchange handOff = new DefaultExchange(context, ExchangePattern.InOnly);
        handOff.getMessage().setBody(id);
        // Straight into the endpoint's queue, which the workers poll: unlike a producer with
        // discardWhenFull, the queue says when it drops the id, and requeueOverflowed looks for it.
        if (!endpoint(context).getQueue().offer(handOff)) {
            overflow = true;
        }
    }

    /**
     * Rows waiting as RECEIVED that are not in the hand-off, oldest first, as many as there is room
     * for: after the hand-off dropped some (a backlog larger than it), and once after a start (rows
     * left from before). Only when the hand-off is down to half, so that the workers do not run dry
     * while a backlog waits. Before, such rows waited until they counted as stalled
     * (processing.stall-seconds), then came 500 per recovery interval: a backlog larger than the
     * hand-off was worked off at a fraction of the workers' pace. A row a worker holds between two
     * redeliveries may be queued again; its claim (a row lock, then the status) makes that harmless.
     */
    public void requeueOverflowed(Exchange exchange) {
        List<Long> ids = overflowed(exchange.getContext());
        for (Long id : ids) {
            offer(exchange.getContext(), id);
        }
        if (!ids.isEmpty()) {
            LOG.info("{} waiting notifications queued for the workers again (the hand-off had been full, or the process restarted)",
                    ids.size());
        }
    }

    private List<Long> overflowed(CamelContext context) {
        SedaEndpoint handOff = endpoint(context);
        BlockingQueue<Exchange> queue = handOff.getQueue();
        int room = queue.remainingCapacity();
        if (!enabled || !overflow || room < handOff.getSize() / 2) {
            return List.of();
        }
        // Cleared before looking: an id dropped from now on sets it again.
        overflow = false;
        Set<Long> queued = new HashSet<>();
        for (Exchange waiting : queue) {
            queued.add(waiting.getMessage().getBody(Long.class));
        }
        int limit = room + queued.size();
        List<Long> oldest = store.receivedOldestFirst(limit);
        if (oldest.size() == limit) {
            overflow = true; // more may wait behind these
        }
        return oldest.stream().filter(id -> !queued.contains(id)).limit(room).toList();
    }

    /**
     * The lot a worker processes (see {@link ProcessingLot}): the id it took, and as many of the ids
     * waiting behind it as fit in processing.lot-size. With nothing waiting, the id alone; the longer the
     * backlog, the larger the lots, as intake's groups grow with the calls that wait for a commit.
     */
    public List<Long> lot(Exchange exchange) {
        // While 2Checkout's calls keep coming (a worker let in by the longest wait), one at a time.
        int size = intakePriority == null || intakePriority.calm() ? lotSize : 1;
        List<Long> ids = new java.util.ArrayList<>(size);
        ids.add(exchange.getMessage().getBody(Long.class));
        if (size > 1) {
            List<Exchange> waiting = new java.util.ArrayList<>(size - 1);
            endpoint(exchange.getContext()).getQueue().drainTo(waiting, size - 1);
            for (Exchange e : waiting) {
                ids.add(e.getMessage().getBody(Long.class));
            }
        }
        return ids;
    }

    /** True while fewer than a tenth of the hand-off's places are taken. */
    public boolean runningLow(Exchange exchange) {
        SedaEndpoint queue = endpoint(exchange.getContext());
        return queue.getCurrentQueueSize() < Math.max(1, queue.getSize() / 10);
    }

    private SedaEndpoint endpoint(CamelContext context) {
        SedaEndpoint resolved = endpoint;
        if (resolved == null || resolved.getCamelContext() != context) {
            resolved = context.getEndpoint(endpointUri, SedaEndpoint.class);
            endpoint = resolved;
        }
        return resolved;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setIntakePriority(IntakePriority intakePriority) {
        this.intakePriority = intakePriority;
    }

    public void setLotSize(int lotSize) {
        this.lotSize = Math.max(1, lotSize);
    }

    public void setStore(NotificationStore store) {
        this.store = store;
    }

    public void setEndpointUri(String endpointUri) {
        this.endpointUri = endpointUri;
        this.endpoint = null;
    }
}
