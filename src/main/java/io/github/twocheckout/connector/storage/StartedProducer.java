package io.github.twocheckout.connector.storage;

import org.apache.camel.CamelContext;
import org.apache.camel.Producer;

/**
 * A producer on one endpoint, created and started at its first use: the YAML beans that send with it
 * are built before the Camel context has started, and they learn their endpoint URI from a property.
 */
final class StartedProducer {

    private volatile Producer producer;

    Producer on(CamelContext context, String endpointUri) throws Exception {
        Producer p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Producer created = context.getEndpoint(endpointUri).createProducer();
                    created.start();
                    producer = created;
                }
                p = producer;
            }
        }
        return p;
    }
}
