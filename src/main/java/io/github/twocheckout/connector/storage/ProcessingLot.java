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
 * commit ({@link LotWrites}). Under a backlog this takes a notification from six round trips to
 * PostgreSQL to about two (its product lookup and its license statement); with nothing waiting a lot
 * is one notification, processed alone as before.
 *
 * <p>Nothing of a lot is committed unless all of it is. When one of its notifications fails, the lot
 * is rolled back, that one is returned to be processed alone (with redelivery, then the dead letter),
 * and the others go back to the hand-off, untouched by the failure. When the failure cannot be tied to
 * one notification (the final writes), every one of them is processed alone.
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
                LotWrites writes = LotWrites.open();
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
                    LotWrites.close();
                }
            });
        } catch (RuntimeException e) {
            rolledBack.incrementAndGet();
            Throwable cause = e instanceof LotFailedException ? e.getCause() : e;
            if (failing[0] == null) {
                LOG.warn("lot of {} notifications rolled back ({}); each is processed alone", ids.size(), cause.toString());
                return ids;
            }
            LOG.warn("lot of {} notifications rolled back: notification {} failed ({}); it is processed alone, the others are queued again",
                    ids.size(), failing[0], cause.toString());
            for (Long id : ids) {
                if (!id.equals(failing[0])) {
                    queue.offer(context, id);
                }
            }
            return List.of(failing[0]);
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
