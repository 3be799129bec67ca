package io.github.twocheckout.connector.storage;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;

/**
 * The in-memory hand-off to the processing workers (seda:notification-process) as the recovery poller
 * sees it. The database is the real queue; the poller tops the hand-off up only when it runs low, so
 * that under a backlog it does not queue again, as "stalled", rows that merely wait their turn (each
 * such copy costs a worker a claim, and crowds new arrivals out of a full queue).
 */
public class ProcessingQueue {

    private String endpointUri;
    /** The same queue for sending: never wait for the workers, and when it is full drop rather than fail. */
    private String handOffUri;
    private final StartedProducer producer = new StartedProducer();
    private boolean enabled = true;

    public ProcessingQueue() {
        setEndpointUri("seda:notification-process");
    }

    /**
     * Hands the notification id in the body to the workers, in an exchange of its own. A `to` step would
     * queue a copy of the caller's exchange with all its variables (the request's raw body, the parsed
     * message): under a backlog of thousands that is tens of megabytes of heap, full collections, and
     * with large IPN bodies a risk of running out of memory. A full queue drops the id: the row is
     * committed, and the recovery poller queues it again.
     */
    public void offer(Exchange exchange) throws Exception {
        offer(exchange.getContext(), exchange.getMessage().getBody());
    }

    /**
     * Hands the row intake has just stored (variable "stored") to the workers when it is to be processed:
     * new, or a repeat of one that had failed; a duplicate of a stored call is not queued again.
     */
    public void offerStored(Exchange exchange) throws Exception {
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

    private void offer(CamelContext context, Object id) throws Exception {
        if (!enabled) {
            return; // an instance that does not process (processing.enabled=false): the row waits for the others
        }
        Exchange handOff = new DefaultExchange(context, ExchangePattern.InOnly);
        handOff.getMessage().setBody(id);
        producer.on(context, handOffUri).process(handOff);
        if (handOff.getException() != null) {
            throw handOff.getException();
        }
    }

    /** True while fewer than a tenth of the hand-off's places are taken. */
    public boolean runningLow(Exchange exchange) {
        SedaEndpoint queue = exchange.getContext().getEndpoint(endpointUri, SedaEndpoint.class);
        return queue.getCurrentQueueSize() < Math.max(1, queue.getSize() / 10);
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setEndpointUri(String endpointUri) {
        this.endpointUri = endpointUri;
        this.handOffUri = endpointUri + (endpointUri.contains("?") ? "&" : "?") + "waitForTaskToComplete=Never&discardWhenFull=true";
    }
}
