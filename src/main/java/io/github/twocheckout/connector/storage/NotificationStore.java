package io.github.twocheckout.connector.storage;

import io.github.twocheckout.connector.model.IncomingNotification;
import io.github.twocheckout.connector.model.NotificationRejectedException;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.StoreResult;
import io.github.twocheckout.connector.model.StoredNotification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.github.twocheckout.connector.storage.SqlArg.text;

/**
 * The notification table as inbox, queue, log and dead-letter store. Every state change of a
 * notification goes through here. Processing claims rows inside the transaction that changes their
 * licenses (the `transacted` step of routes/dispatch.camel.yaml): the row lock is the claim, so a crash
 * before the commit leaves the row RECEIVED for the next claim, and nothing else has to recover it.
 */
public class NotificationStore {

    /** What rejected calls from one address may store per minute. */
    private RejectedBodyBudget rejectedBodies = new RejectedBodyBudget();

    private static final Logger LOG = LoggerFactory.getLogger(NotificationStore.class);
    private static final int MAX_TEXT = 4000;

    /** Reads "RETURNING id, channel, vendor_id, message_type, order_ref, raw_body, attempts". */
    private static final org.springframework.jdbc.core.RowMapper<StoredNotification> STORED = (rs, i) -> new StoredNotification(
            rs.getLong("id"), rs.getString("channel"), (Long) rs.getObject("vendor_id"), rs.getString("message_type"),
            rs.getString("order_ref"), rs.getString("raw_body"), rs.getInt("attempts"));

    private final JdbcTemplate jdbc;
    private int leaseSeconds = 300;
    private long parkedReportSeconds = 86_400;
    private int parkRecheckSeconds = 60;
    private io.github.twocheckout.connector.model.NotificationCounter metrics;

    public NotificationStore(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Commits a verified call as RECEIVED. A repeat (same vendor and message_id, or the same business
     * event) is not stored again: it is counted on the original row, and if that row had FAILED it is
     * put back in the queue, since 2Checkout re-sending it is a request to try again. Intake stores
     * through processing.IntakeGroupCommit, which inserts many calls in one commit, and this way when
     * that is not running.
     */
    public StoreResult store(IncomingNotification n) {
        return stored(n, insertAll(List.of(n)).get(0));
    }

    /** What became of a call {@link #insertAll} gave this id: a new row to queue, or (null) a repeat, counted now. */
    public StoreResult stored(IncomingNotification n, Long insertedId) {
        return insertedId != null ? new StoreResult(insertedId, false, true) : countRepeat(n);
    }

    /**
     * Inserts verified calls as RECEIVED in one statement, in their order, and tells for each the new
     * row's id, or null where the call repeats a stored one (or one earlier in the list): those go to
     * {@link #stored}. The ids are drawn before the insert, so that each call's fate is known by
     * its own id rather than by matching keys (a call may have neither a message id nor an event key).
     * One statement: committed at once, unless the caller's transaction holds it.
     */
    public List<Long> insertAll(List<IncomingNotification> calls) {
        int n = calls.size();
        String[] channel = new String[n], messageId = new String[n], messageType = new String[n], orderRef = new String[n],
                invoiceId = new String[n], eventKey = new String[n], refs = new String[n], rawBody = new String[n],
                contentType = new String[n], remoteAddress = new String[n], verification = new String[n];
        Long[] vendorId = new Long[n];
        for (int i = 0; i < n; i++) {
            IncomingNotification c = calls.get(i);
            channel[i] = c.channel();
            vendorId[i] = c.vendorId();
            messageId[i] = c.messageId();
            messageType[i] = c.messageType();
            orderRef[i] = c.orderRef();
            invoiceId[i] = c.invoiceId();
            eventKey[i] = c.eventKey();
            refs[i] = refs(c.subscriptionRefs());
            rawBody[i] = c.rawBody();
            contentType[i] = c.contentType();
            remoteAddress[i] = c.remoteAddress();
            verification[i] = c.verification();
        }
        return jdbc.execute((Connection con) -> {
            try (PreparedStatement ps = con.prepareStatement("""
                    WITH input AS (
                        SELECT nextval('notification_id_seq') AS id, u.*
                        FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                    ?::text[], ?::text[], ?::text[], ?::text[])
                             WITH ORDINALITY AS u(channel, vendor_id, message_id, message_type, order_ref, invoice_id,
                                                  event_key, refs, raw_body, content_type, remote_address, verification, ord)),
                    inserted AS (
                        INSERT INTO notification (id, channel, vendor_id, message_id, message_type, order_ref, invoice_id,
                                                  event_key, subscription_refs, raw_body, content_type, remote_address,
                                                  verification, status, http_status)
                        SELECT id, channel, vendor_id, message_id, message_type, order_ref, invoice_id, event_key,
                               string_to_array(refs, ' '), raw_body, content_type, remote_address, verification, 'RECEIVED', 200
                        FROM input ORDER BY ord
                        ON CONFLICT DO NOTHING
                        RETURNING id)
                    SELECT inserted.id FROM input LEFT JOIN inserted USING (id) ORDER BY input.ord""")) {
                Object[][] columns = {channel, vendorId, messageId, messageType, orderRef, invoiceId, eventKey, refs, rawBody,
                        contentType, remoteAddress, verification};
                for (int c = 0; c < columns.length; c++) {
                    ps.setArray(c + 1, con.createArrayOf(c == 1 ? "bigint" : "text", columns[c]));
                }
                List<Long> ids = new ArrayList<>(n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add((Long) rs.getObject(1));
                    }
                }
                return ids;
            }
        });
    }

    /**
     * A repeat of a stored call: counted on the original row (the first of the same vendor and
     * message_id, or of the same event), which goes back to RECEIVED if it had FAILED.
     */
    private StoreResult countRepeat(IncomingNotification n) {
        List<Map<String, Object>> original = jdbc.queryForList("""
                WITH original AS (
                    SELECT id, status FROM notification
                    WHERE vendor_id = ? AND channel = ? AND status <> 'REJECTED'
                      AND ((CAST(? AS TEXT) IS NOT NULL AND message_id = ?) OR event_key = ?)
                    ORDER BY id LIMIT 1 FOR UPDATE)
                UPDATE notification SET duplicates = duplicates + 1, last_duplicate_at = now(), updated_at = now(),
                       status = CASE WHEN original.status = 'FAILED' THEN 'RECEIVED' ELSE notification.status END
                FROM original WHERE notification.id = original.id
                RETURNING notification.id, original.status AS previous_status""",
                n.vendorId(), n.channel(), n.messageId(), n.messageId(), n.eventKey());
        if (original.isEmpty()) {
            // The conflicting row went away between the two statements (cannot happen without deletes).
            throw new IllegalStateException("duplicate notification without an original row");
        }
        long id = ((Number) original.get(0).get("id")).longValue();
        boolean requeue = "FAILED".equals(original.get(0).get("previous_status"));
        return new StoreResult(id, true, requeue);
    }

    /**
     * Commits a verified call that is answered from within the request (the key generator), already
     * claimed: no worker takes it, and if this process dies before finishing it the lease runs out and
     * the recovery poller finishes it (the handlers are idempotent).
     */
    public StoredNotification storeClaimed(IncomingNotification n) {
        return jdbc.queryForObject("""
                INSERT INTO notification (channel, vendor_id, message_id, message_type, order_ref, invoice_id, event_key,
                                          subscription_refs, raw_body, content_type, remote_address, verification, status,
                                          attempts, lease_until)
                VALUES (?, ?, ?, ?, ?, ?, ?, string_to_array(?, ' '), ?, ?, ?, ?, 'PROCESSING', 1,
                        now() + make_interval(secs => ?))
                RETURNING id, channel, vendor_id, message_type, order_ref, raw_body, attempts""",
                STORED,
                n.channel(), n.vendorId(), text(n.messageId()), text(n.messageType()), text(n.orderRef()), text(n.invoiceId()),
                text(n.eventKey()), text(refs(n.subscriptionRefs())), n.rawBody(), text(n.contentType()), text(n.remoteAddress()),
                text(n.verification()), leaseSeconds);
    }

    /**
     * A call processed within the request failed on a fault (not a business error): FAILED with the
     * answer it got. Never throws: the caller is already answering with an error.
     */
    public void failedInRequest(Exchange exchange) {
        StoredNotification n = exchange.getVariable("notification", StoredNotification.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        while (cause instanceof org.apache.camel.CamelExchangeException && cause.getCause() != null) {
            cause = cause.getCause(); // the split's wrapper says nothing a vendor can act on
        }
        String error = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        exchange.setVariable("failureReason", error);
        if (n == null) {
            return;
        }
        try {
            jdbc.update("""
                    UPDATE notification SET status = 'FAILED', last_error = ?, http_status = ?, lease_until = NULL,
                           processed_at = now(), updated_at = now()
                    WHERE id = ?""", clip(error), exchange.getVariable("httpStatus", Integer.class),
                    n.getId());
        } catch (RuntimeException e) {
            LOG.warn("Could not record the failure of notification {} ({}): {}", n.getId(), error, e.getMessage());
        }
        LOG.warn("notification={} channel={} status=FAILED: {}", n.getId(), n.getChannel(), error);
        count(n.getChannel(), n.getMessageType(), "FAILED");
    }

    /**
     * Records a call that was answered 4xx (or could not be read), with the reason. Never throws: the
     * caller is already answering with an error, and a database outage must not turn a 403 into a 500.
     */
    public void recordRejected(Exchange exchange) {
        Throwable cause = intakeCause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String reason = cause == null ? "rejected" : cause.getMessage();
        exchange.setVariable("rejectionReason", reason);
        // The kind of rejection, for the support email's throttle: the reason may carry the caller's words.
        exchange.setVariable("rejectionKind", exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE) + " "
                + (cause == null ? "rejected" : cause.getClass().getSimpleName()));
        String diagnostics = cause instanceof NotificationRejectedException r ? r.getDiagnostics() : reason;
        Long vendorId = cause instanceof NotificationRejectedException r ? r.getVendorId() : null;
        Integer httpStatus = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String raw = exchange.getVariable("rawBody", String.class);
        try {
            Long id = jdbc.queryForObject("""
                    INSERT INTO notification (channel, vendor_id, message_type, order_ref, raw_body, content_type,
                                              remote_address, verification, status, http_status, last_error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'REJECTED', ?, ?) RETURNING id""", Long.class,
                    exchange.getVariable("channel", String.class), vendorId,
                    guess(raw, "message_type", "ORDERSTATUS", "MESSAGE_TYPE"),
                    // Unverified, but it lets a vendor find the rejected call of an order (GET /api/notifications?order=).
                    guess(raw, "REFNO", "order_ref", "sale_id"),
                    rejectedBodies.keep(exchange.getVariable("remoteAddress", String.class), raw).replace('\0', '\uFFFD'),
                    exchange.getVariable("contentType", String.class), exchange.getVariable("remoteAddress", String.class),
                    clip(diagnostics), httpStatus, clip(reason));
            exchange.setVariable("notificationId", id);
            exchange.setVariable("rejectionVendorId", vendorId);
            LOG.info("notification={} channel={} status=REJECTED http={} reason=\"{}\"", id, exchange.getVariable("channel"),
                    httpStatus, reason);
            count(exchange.getVariable("channel", String.class), null, "REJECTED");
        } catch (RuntimeException e) {
            LOG.warn("Could not record a rejected {} call ({}): {}", exchange.getVariable("channel"), reason, e.getMessage());
        }
    }

    /** The intake exception behind whatever wrapped it on the way (bean invocation, expression). */
    private static Throwable intakeCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.github.twocheckout.connector.model.IntakeRejection) {
                return c;
            }
        }
        return t;
    }

    /** The first of these fields found in a body that may not even parse, as posted (clipped). */
    private static String guess(String raw, String... names) {
        if (raw == null) {
            return null;
        }
        for (String name : names) {
            for (String pair : raw.split("&", 200)) {
                if (pair.startsWith(name + "=")) {
                    String v = pair.substring(name.length() + 1);
                    try {
                        v = java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        // keep it encoded
                    }
                    return v.length() > 64 ? v.substring(0, 64) : v;
                }
            }
        }
        return null;
    }

    /** A notification as processing sees it, without claiming it (a dry run); null when there is none. */
    public StoredNotification find(long id) {
        List<StoredNotification> found = jdbc.query(
                "SELECT id, channel, vendor_id, message_type, order_ref, raw_body, attempts FROM notification WHERE id = ?", STORED, id);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * The next lot to process: up to {@code size} waiting rows, oldest first, locked for this transaction
     * and skipped by every other claimer (worker or instance) until it ends. The lock is the lease: it
     * ends with the transaction, by commit, rollback, or the connection's end when the process dies (and
     * idle_in_transaction_session_timeout bounds a transaction that hangs). Nothing is written here: a
     * PROCESSING mark would be seen by no one before the commit, and would cost each row a version with an
     * entry in every index. The attempt number is this attempt's; complete() stores it, and a rolled-back
     * attempt leaves the row as it was.
     */
    public List<StoredNotification> claimLot(int size) {
        // A prepared statement, though it has no parameter: a plain one is planned at every call.
        return jdbc.query(claimLotSql(size), statement -> { }, STORED);
    }

    /**
     * The claim with its size written in, not a parameter: with {@code LIMIT ?} PostgreSQL cannot cost a
     * generic plan (it assumes a tenth of the table) and planned every claim anew, 0.16 ms of its CPU
     * each (pg_stat_statements, docs/benchmarks.md). A size is one of two values (the lot size, or 1
     * while intake is busy), so each is one prepared statement, planned once per connection.
     */
    static String claimLotSql(int size) {
        return """
                SELECT id, channel, vendor_id, message_type, order_ref, raw_body, attempts + 1 AS attempts
                FROM notification WHERE status = 'RECEIVED' ORDER BY received_at LIMIT %d FOR NO KEY UPDATE SKIP LOCKED"""
                .formatted(Math.max(1, size));
    }

    /** One notification, claimed as {@link #claimLot} does; null when it is done, or another transaction holds it. */
    public StoredNotification claim(long id) {
        List<StoredNotification> claimed = jdbc.query("""
                SELECT id, channel, vendor_id, message_type, order_ref, raw_body, attempts + 1 AS attempts
                FROM notification WHERE id = ? AND status = 'RECEIVED' FOR NO KEY UPDATE SKIP LOCKED""", STORED, id);
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    /**
     * Rows that are due again, back to RECEIVED for the next claim: a key-generator call whose answer
     * never finished (its lease expired), and a parked notification whose order got a license around or
     * after the time it was parked. The release written with the licenses (see {@link #complete}) covers
     * the usual case; this covers a park that committed after that release ran. Timestamps are
     * transaction starts, so a license whose transaction began before the park (and committed just after
     * the park looked) counts too: hence the slack. Returns how many.
     */
    public int releaseDue() {
        int expired = jdbc.update("""
                UPDATE notification SET status = 'RECEIVED', lease_until = NULL, updated_at = now()
                WHERE status = 'PROCESSING' AND lease_until < now()""");
        int parked = jdbc.update("""
                UPDATE notification n SET status = 'RECEIVED', updated_at = now()
                WHERE n.status = 'PARKED' AND EXISTS (
                    SELECT 1 FROM license l
                    WHERE l.vendor_id = n.vendor_id AND l.updated_at > n.updated_at - make_interval(secs => ?)
                      AND (l.order_ref = n.order_ref OR l.subscription_ref = ANY (n.subscription_refs)))""",
                parkRecheckSeconds);
        return expired + parked;
    }

    /**
     * Writes the outcome of processing (PROCESSED, IGNORED, PARKED or, for business errors, FAILED) and, when
     * this run issued licenses, releases the order's parked notifications in the same statement: they are
     * RECEIVED again, and the next claim takes them. The released rows are PARKED in the statement's
     * snapshot, so the row completed here is never among them.
     */
    public void complete(@Variable("notification") StoredNotification notification, @Variable("report") ProcessingReport report,
                               @Variable("httpStatus") Integer httpStatus) {
        String status = report.getStatus();
        writeOutcome(notification, report, status, httpStatus);
        Runnable done = () -> {
            LOG.info("notification={} channel={} type={} order={} status={} outcome=\"{}\"", notification.getId(),
                    notification.getChannel(), notification.getMessageType(), notification.getOrderRef(), status,
                    report.getSummary());
            count(notification.getChannel(), notification.getMessageType(), status);
        };
        // Inside processing's transaction the outcome is true only once it commits: log and count then.
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            done.run();
                        }
                    });
        } else {
            done.run();
        }
    }

    private void writeOutcome(StoredNotification notification, ProcessingReport report, String status, Integer httpStatus) {
        // httpStatus: the answer of a call processed within the request; null keeps the acknowledgement's.
        jdbc.update("""
                WITH outcome AS (
                    UPDATE notification SET status = ?, outcome = ?, last_error = ?, processed_at = now(), lease_until = NULL,
                           http_status = COALESCE(?, http_status), attempts = GREATEST(attempts, ?), updated_at = now()
                    WHERE id = ?)
                -- the order's parked rows, when this run issued licenses (the last parameter)
                UPDATE notification SET status = 'RECEIVED', updated_at = now()
                WHERE vendor_id = ? AND status = 'PARKED'
                  AND (order_ref = ? OR subscription_refs && ARRAY(
                        SELECT subscription_ref FROM license
                        WHERE vendor_id = ? AND order_ref = ? AND subscription_ref IS NOT NULL))
                  AND ?""", status, clip(report.getSummary()), clip(report.getErrorText()),
                httpStatus, notification.getAttempts(), notification.getId(),
                notification.getVendorId(), notification.getOrderRef(), notification.getVendorId(), notification.getOrderRef(),
                report.hasLicenses());
    }

    /**
     * Dead letter: processing failed after every redelivery, and the row becomes FAILED with the error.
     * (A failure to reach the database never gets here: processing-errors leaves those rows for later.)
     */
    public void markFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // Set by notification-alone; the dead letter's message is not the one it was given, but the wake-up's.
        long id = exchange.getVariable("notificationId", Long.class);
        // The redelivery headers are gone by now; the handle step counts its own attempts.
        Integer attemptsThisRun = exchange.getProperty(
                io.github.twocheckout.connector.model.ProcessingReport.DEAD_LETTER_ATTEMPTS, Integer.class);
        int redeliveries = attemptsThisRun == null ? 0 : Math.max(0, attemptsThisRun - 1);
        // Each attempt's claim (attempts + 1) was rolled back with the attempt: count them all here.
        int attempts = redeliveries + 1;
        String error = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        exchange.setVariable("failureReason", error);
        jdbc.update("""
                UPDATE notification SET status = 'FAILED', last_error = ?, attempts = attempts + ?, lease_until = NULL,
                       processed_at = now(), updated_at = now()
                WHERE id = ?""", clip(error), attempts, id);
        LOG.warn("notification={} status=FAILED after {} redelivery(ies): {}", id, redeliveries, error);
        StoredNotification failed = exchange.getProperty(
                io.github.twocheckout.connector.model.ProcessingReport.DEAD_LETTER_NOTIFICATION, StoredNotification.class);
        count(failed == null ? null : failed.getChannel(), failed == null ? null : failed.getMessageType(), "FAILED");
    }

    /**
     * Puts a stored notification back in the queue. Rejected calls were never verified and cannot be
     * replayed; anything else can, because every handler is idempotent.
     */
    public boolean replay(long id) {
        return jdbc.update("""
                UPDATE notification SET status = 'RECEIVED', lease_until = NULL, updated_at = now()
                WHERE id = ? AND status IN ('FAILED', 'PARKED', 'PROCESSED', 'IGNORED')""", id) == 1;
    }

    /**
     * Parked notifications older than the configured age that nobody was told about yet, marked as
     * reported: a refund or renewal whose order never arrived needs a person to look at it.
     */
    public List<StoredNotification> claimParkedTooLong() {
        return jdbc.query("""
                UPDATE notification SET parked_reported_at = now()
                WHERE id IN (SELECT id FROM notification
                             WHERE status = 'PARKED' AND parked_reported_at IS NULL
                               AND received_at < now() - make_interval(secs => ?)
                             ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
                RETURNING id, channel, vendor_id, message_type, order_ref, raw_body, attempts""",
                STORED,
                parkedReportSeconds);
    }

    private static String refs(List<String> refs) {
        return refs == null || refs.isEmpty() ? null : String.join(" ", refs);
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }

    private void count(String channel, String type, String status) {
        if (metrics != null) {
            metrics.finished(channel, type, status);
        }
    }

    public void setRejectedBodies(RejectedBodyBudget rejectedBodies) {
        this.rejectedBodies = rejectedBodies;
    }

    public void setMetrics(io.github.twocheckout.connector.model.NotificationCounter metrics) {
        this.metrics = metrics;
    }

    public void setLeaseSeconds(int leaseSeconds) {
        this.leaseSeconds = leaseSeconds;
    }

    public void setParkedReportSeconds(long parkedReportSeconds) {
        this.parkedReportSeconds = parkedReportSeconds;
    }

}
