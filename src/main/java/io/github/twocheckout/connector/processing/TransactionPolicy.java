package io.github.twocheckout.connector.processing;

import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps inside a route's {@code policy} step, run as one database transaction that every
 * statement of every bean joins (licenses, emails into the outbox, outcomes): committed when the steps
 * succeed, rolled back when one fails, and the failure left on the exchange for the route's own error
 * handling (redelivery, dead letter, onException), which decides what happens next.
 *
 * <p>Not Camel's {@code transacted} step: its transaction error handler marks a failure as handled
 * ("exhausted"), and then neither the calling route's onException clauses nor its dead letter channel
 * see it.
 */
public class TransactionPolicy implements Policy {

    private final TransactionTemplate tx;

    public TransactionPolicy(PlatformTransactionManager transactionManager) {
        this.tx = new TransactionTemplate(transactionManager);
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor steps) {
        return exchange -> {
            boolean outer = exchange.isTransacted();
            // Transacted, Camel runs every step on this thread, which holds the transaction.
            exchange.getExchangeExtension().setTransacted(true);
            try {
                tx.executeWithoutResult(status -> {
                    try {
                        steps.process(exchange);
                    } catch (Exception e) {
                        exchange.setException(e);
                    }
                    if (exchange.getException() != null || exchange.isRollbackOnly()) {
                        status.setRollbackOnly();
                    }
                });
            } catch (RuntimeException commitOrBegin) {
                // No transaction could begin (the database away), or the commit failed.
                if (exchange.getException() == null) {
                    exchange.setException(commitOrBegin);
                }
            } finally {
                exchange.getExchangeExtension().setTransacted(outer);
            }
        };
    }
}
