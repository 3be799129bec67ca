package io.github.twocheckout.connector.storage;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes a lot of notifications (the ids a worker found waiting in the hand-off, see
 * {@link ProcessingQueue#lot}) in one transaction: claimed with one statement, each handled by the
 * same route as a notification alone (direct:notification-work, on an exchange of its own), and their
 * outcomes, released parked rows and emails written with one statement per table before the one
 * commit ({@link LotTransaction}). Under a backlog this takes a notification from six round trips to
 * PostgreSQL to about two (its product lookup and its license statement); with nothing waiting a lot
 * is one notification, processed alone as before.
 *
 * <p>Nothing of a lot is committed unless all of it is. When one of its notifications fails, the lot
 * is rolled back, that one is returned to be processed alone (with redelivery, then the dead letter),
 * and the others go back to the hand-off, untouched by the failure. When the failure cannot be tied to
 * one notification (the database away, the final writes), the first one takes that part.
 */
public class ProcessingLot {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingLot.class);

    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;
    private final StartedProducer producer = new StartedProducer();
    private String endpointUri = "direct:notification-work";
    private NotificationStore store;
    private ProcessingQueue queue;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong notificationsCommitted = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();

    public ProcessingLot(DataSource dataSource) {
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Processes the lot of ids in the body when it holds more than one; returns the ids still to be
     * processed alone: none when the lot committed, the lot itself when it holds one id.
     */
    @SuppressWarnings("unchecked")
    public List<Long> run(Exchange exchange) throws Exception {
        List<Long> ids = exchange.getMessage().getBody(List.class);
        if (ids.size() < 2) {
            return ids;
        }
        CamelContext context = exchange.getContext();
        Producer work = producer.on(context, endpointUri);
        Long[] failing = {null};
        List<Long> released;
        try {
            released = tx.execute(status -> {
                LotTransaction writes = LotTransaction.open();
                try {
                    writes.claimed(store.claimAll(ids));
                    for (Long id : ids) {
                        Exchange one = new DefaultExchange(context, ExchangePattern.InOnly);
                        one.getMessage().setBody(id);
                        one.setVariable("notificationId", id);
                        try {
                            work.process(one);
                        } catch (Exception e) {
                            one.setException(e);
                        }
                        if (one.getException() != null) {
                            failing[0] = id;
                            throw new LotFailedException(one.getException());
                        }
                    }
                    return writes.flush(jdbc);
                } finally {
                    LotTransaction.close();
                }
            });
        } catch (RuntimeException e) {
            rolledBack.incrementAndGet();
            Throwable cause = e instanceof LotFailedException ? e.getCause() : e;
            // The one that failed, or when no one notification did (the database away, the final writes),
            // the first: processed alone, its redeliveries pace the retries as they would for any failure.
            // The others go back to the hand-off for the other workers; taken alone one after the other
            // here, each would wait out its own redeliveries in turn (minutes, while the database is away).
            Long alone = failing[0] != null ? failing[0] : ids.get(0);
            LOG.warn("lot of {} notifications rolled back{} ({}); notification {} is processed alone, the others are queued again",
                    ids.size(), failing[0] != null ? ": notification " + failing[0] + " failed" : "", cause.toString(), alone);
            for (Long id : ids) {
                if (!id.equals(alone)) {
                    queue.offer(context, id);
                }
            }
            return List.of(alone);
        }
        committed.incrementAndGet();
        notificationsCommitted.addAndGet(ids.size());
        for (Long id : released) {
            queue.offer(context, id);
        }
        return List.of();
    }

    /** Lots committed (each of more than one notification). */
    public long lotsCommitted() {
        return committed.get();
    }

    /** Notifications in those lots. */
    public long notificationsInLots() {
        return notificationsCommitted.get();
    }

    /** Lots rolled back because one of their notifications failed (then processed alone). */
    public long lotsRolledBack() {
        return rolledBack.get();
    }

    public void setStore(NotificationStore store) {
        this.store = store;
    }

    public void setQueue(ProcessingQueue queue) {
        this.queue = queue;
    }

    public void setEndpointUri(String endpointUri) {
        this.endpointUri = endpointUri;
    }

    /** A notification of the lot failed: the transaction rolls back, and the caller knows which from the lot. */
    private static final class LotFailedException extends RuntimeException {
        LotFailedException(Throwable cause) {
            super(cause);
        }
    }

}
