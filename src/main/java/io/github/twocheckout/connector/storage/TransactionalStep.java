package io.github.twocheckout.connector.storage;

import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a route (a direct: endpoint) on the caller's exchange and thread inside one database
 * transaction, which every JdbcTemplate and camel-sql statement of that route joins. Processing a
 * notification this way commits its licenses, audit events, emails and outcome together: one commit
 * (one WAL flush) instead of one per step, and never a license without its outcome. A failure rolls
 * everything back and is rethrown, so the caller's error handler redelivers or dead-letters it.
 */
public class TransactionalStep {

    private final TransactionTemplate tx;
    private final StartedProducer producer = new StartedProducer();
    private String endpointUri;

    public TransactionalStep(DataSource dataSource) {
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public void run(Exchange exchange) throws Exception {
        Producer route = producer.on(exchange.getContext(), endpointUri);
        Exception[] failure = new Exception[1];
        tx.executeWithoutResult(status -> {
            try {
                // A direct: producer runs the route on this thread, as a `to` step would.
                route.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                failure[0] = exchange.getException();
                exchange.setException(null);
                status.setRollbackOnly();
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    public void setEndpointUri(String endpointUri) {
        this.endpointUri = endpointUri;
    }
}
