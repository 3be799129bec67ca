package io.github.twocheckout.connector.outbound;

import io.github.twocheckout.connector.model.Principal;
import io.github.twocheckout.connector.protocol.WebhookSignature;
import io.github.twocheckout.connector.storage.ListPage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event outbox (routes/events.camel.yaml). License events are queued by the database in the
 * transaction of the change (trigger license_event_queued, V15); failed notifications by the dead
 * letter, here. The sender claims due rows, the oldest pending one of each license per destination
 * only (so a license's events arrive in order), delivers each to its destination's endpoint and
 * retries failures with back-off until the schedule gives up: then the row is FAILED (the dead
 * letter) until a replay.
 */
public class EventOutbox extends Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);

    public EventOutbox(DataSource dataSource) {
        super(dataSource, "event_outbox", new RetrySchedule(5, 3600, 20));
    }

    /**
     * A notification that ended FAILED, as a notification.failed event to every destination of its
     * vendor that takes it, in the dead letter's transaction. One event per failure: a replay that
     * fails again is news (the event id names the attempt count).
     */
    public void queueNotificationFailed(Long notificationId) {
        if (notificationId == null) {
            return;
        }
        jdbc.update("""
                INSERT INTO event_outbox (destination_id, event_id, event_type, notification_id, payload)
                SELECT d.id, 'evt_nf_' || n.id || '_' || n.attempts, 'notification.failed', n.id,
                       json_build_object('type', 'notification.failed', 'timestamp', now(),
                           'data', json_build_object('schemaVersion', 1, 'eventId', 'evt_nf_' || n.id || '_' || n.attempts,
                               'notification', json_build_object('id', n.id, 'channel', n.channel, 'messageType', n.message_type,
                                   'orderRef', n.order_ref, 'vendor', v.code, 'attempts', n.attempts, 'error', n.last_error,
                                   'receivedAt', n.received_at)))::text
                FROM notification n
                JOIN vendor v ON v.id = n.vendor_id
                JOIN connector c ON c.vendor_id = v.id
                JOIN event_destination d ON d.connector_id = c.id AND d.enabled
                WHERE n.id = ? AND n.status = 'FAILED'
                  AND (d.event_types = '*' OR 'notification.failed' = ANY (string_to_array(replace(d.event_types, ' ', ''), ',')))
                ON CONFLICT (destination_id, event_id) DO NOTHING""", notificationId);
    }

    // The oldest due row of each (destination, license): a later event of a license waits while an
    // earlier one is pending there (retrying, or leased to another sender).
    static final String CLAIM_DUE = """
            UPDATE event_outbox o SET lease_until = now() + make_interval(secs => ?), attempts = o.attempts + 1
            FROM event_destination d
            WHERE d.id = o.destination_id
              AND o.id IN (SELECT c.id FROM event_outbox c JOIN event_destination cd ON cd.id = c.destination_id AND cd.enabled
                           WHERE c.status = 'PENDING' AND c.next_attempt_at <= now()
                             AND (c.lease_until IS NULL OR c.lease_until < now())
                             AND NOT EXISTS (SELECT 1 FROM event_outbox p
                                             WHERE p.destination_id = c.destination_id AND p.license_id = c.license_id
                                               AND p.status = 'PENDING' AND p.id < c.id)
                           ORDER BY c.next_attempt_at LIMIT ? FOR UPDATE OF c SKIP LOCKED)
            RETURNING o.id, o.event_id, o.event_type, o.payload, o.attempts, o.license_id,
                      d.id AS destination_id, d.name AS destination_name, d.uri""";

    /** Due rows, leased to this sender; a sender that dies leaves them to another when the lease runs out. */
    public List<Map<String, Object>> claimDue() {
        return jdbc.queryForList(CLAIM_DUE, leaseSeconds, batch);
    }

    /**
     * Another round while the last claim found something (variable eventsClaimed): a license's next event
     * may be due now. Not once the connector is stopping.
     */
    public boolean moreDue(@Variable("eventsClaimed") Integer claimed, org.apache.camel.CamelContext context) {
        return sending(context) && (claimed == null || claimed > 0);
    }

    /**
     * The message a destination receives: the event's JSON, its id and timestamp as Standard Webhooks
     * headers, and for a destination with a secret the signature over them (a fresh timestamp and
     * signature each attempt, the same id). Every other header is removed first.
     */
    public void prepare(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> row = m.getBody(Map.class);
        String id = (String) row.get("event_id");
        String payload = (String) row.get("payload");
        long timestamp = System.currentTimeMillis() / 1000;
        m.removeHeaders("*");
        m.setHeader("webhook-id", id);
        m.setHeader("webhook-timestamp", String.valueOf(timestamp));
        // The secrets are read here, not claimed with the row: a claimed batch may end up in an error log.
        Map<String, Object> secrets = jdbc.queryForMap("SELECT secret, secret_previous FROM event_destination WHERE id = ?",
                row.get("destination_id"));
        String signature = WebhookSignature.header(id, timestamp, payload, (String) secrets.get("secret"),
                (String) secrets.get("secret_previous"));
        if (!signature.isEmpty()) {
            m.setHeader("webhook-signature", signature);
        }
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        // For file: and the like: one file per event, named by its id (a second delivery overwrites it).
        m.setHeader(Exchange.FILE_NAME, id + ".json");
        exchange.setVariable("eventOutboxId", row.get("id"));
        exchange.setVariable("eventAttempts", row.get("attempts"));
        exchange.setVariable("eventId", id);
        exchange.setVariable("eventType", row.get("event_type"));
        exchange.setVariable("eventDestinationId", row.get("destination_id"));
        exchange.setVariable("eventDestinationName", row.get("destination_name"));
        exchange.setVariable("eventDestinationUri", row.get("uri"));
        m.setBody(payload);
    }

    /** The destination took it. */
    public void sent(@Variable("eventOutboxId") long id) {
        jdbc.update("UPDATE event_outbox SET status = 'SENT', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = ?", id);
    }

    /**
     * The destination failed: tried again after the schedule's delay, or, once it gave up, FAILED (the
     * dead letter; variable eventDeadLettered tells the route to alert).
     */
    public void retryLater(Exchange exchange) {
        String error = RetrySchedule.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        long id = exchange.getVariable("eventOutboxId", Long.class);
        int attempts = exchange.getVariable("eventAttempts", Integer.class);
        boolean dead = failed(id, attempts, error);
        exchange.setVariable("eventDeadLettered", dead);
        exchange.setVariable("eventError", error);
        if (dead) {
            LOG.error("event {} to destination '{}' FAILED after {} attempt(s): {}", exchange.getVariable("eventId"),
                    exchange.getVariable("eventDestinationName"), attempts, error);
        } else {
            LOG.warn("event {} to destination '{}' not delivered (attempt {}), next try in {} s: {}", exchange.getVariable("eventId"),
                    exchange.getVariable("eventDestinationName"), attempts, schedule.delayAfter(attempts), error);
        }
    }

    /** Sends one delivery again, whatever became of it (FAILED, or SENT and lost on the other side). */
    public Map<String, Object> replay(@Header("id") long id) {
        return Map.of("replayed", requeueOne(id, "'FAILED', 'SENT'", "event delivery"));
    }

    /** Sends every dead-lettered delivery of a destination again, oldest first (as they were queued). */
    public Map<String, Object> replayFailed(@Header("id") long destinationId) {
        return Map.of("replayed", requeue("destination_id = ? AND status = 'FAILED'", destinationId));
    }

    /** What the deliveries may be sorted by (API name to column of event_outbox o). */
    private static final Map<String, String> SORTABLE = Map.of("id", "o.id", "created_at", "o.created_at", "sent_at", "o.sent_at",
            "status", "o.status", "event_type", "o.event_type");

    /**
     * Deliveries, newest first: by destination, status, license or event type, a page at a time (offset,
     * limit, sort) with the total in X-Total-Count.
     */
    public List<Map<String, Object>> search(@Header("destination") String destination, @Header("status") String status,
                                            @Header("license") String license, @Header("type") String type,
                                            @Header("offset") String offset, @Header("limit") String limit, @Header("sort") String sort,
                                            @Variable("principal") Principal p, Exchange exchange) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new ArrayList<>();
        p.restrict(where, args, """
                (SELECT c.vendor_id FROM event_destination d JOIN connector c ON c.id = d.connector_id WHERE d.id = o.destination_id)""");
        if (present(destination)) {
            where.append(" AND o.destination_id = ?");
            args.add(Long.parseLong(destination.trim()));
        }
        if (present(status)) {
            where.append(" AND o.status = ?");
            args.add(status.trim().toUpperCase(Locale.ROOT));
        }
        if (present(license)) {
            where.append(" AND o.license_id = ?");
            args.add(Long.parseLong(license.trim()));
        }
        if (present(type)) {
            where.append(" AND o.event_type = ?");
            args.add(type.trim());
        }
        List<Map<String, Object>> rows = ListPage.of(offset, limit, sort, SORTABLE, "o.id DESC", "o.id").query(jdbc, "event_outbox o",
                where.toString(), args, """
                        SELECT o.id, o.event_id, o.event_type, o.license_id, o.notification_id, o.status, o.attempts,
                               o.next_attempt_at, o.last_error, o.created_at, o.sent_at, o.payload,
                               d.id AS destination_id, d.name AS destination, d.uri
                        FROM {page} o JOIN event_destination d ON d.id = o.destination_id""", exchange);
        rows.forEach(r -> r.put("uri", safeUri((String) r.get("uri"))));
        return rows;
    }

    /** A destination URI as it may be shown: passwords and tokens in it masked. */
    public static String safeUri(String uri) {
        return uri == null ? null : org.apache.camel.util.URISupport.sanitizeUri(uri);
    }

    /** True for the destinations that are webhooks (signed, answered over HTTP). */
    public static boolean isWebhook(String uri) {
        String u = uri == null ? "" : uri.trim().toLowerCase(Locale.ROOT);
        return u.startsWith("http:") || u.startsWith("https:");
    }
}
