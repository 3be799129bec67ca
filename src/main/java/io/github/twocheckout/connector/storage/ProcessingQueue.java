package io.github.twocheckout.connector.storage;

import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;

/**
 * The in-memory hand-off to the processing workers (seda:notification-process) as the recovery poller
 * sees it. The database is the real queue; the poller tops the hand-off up only when it runs low, so
 * that under a backlog it does not queue again, as "stalled", rows that merely wait their turn (each
 * such copy costs a worker a claim, and crowds new arrivals out of a full queue).
 */
public class ProcessingQueue {

    private String endpointUri = "seda:notification-process";

    /** True while fewer than a tenth of the hand-off's places are taken. */
    public boolean runningLow(Exchange exchange) {
        SedaEndpoint queue = exchange.getContext().getEndpoint(endpointUri, SedaEndpoint.class);
        return queue.getCurrentQueueSize() < Math.max(1, queue.getSize() / 10);
    }

    public void setEndpointUri(String endpointUri) {
        this.endpointUri = endpointUri;
    }
}
