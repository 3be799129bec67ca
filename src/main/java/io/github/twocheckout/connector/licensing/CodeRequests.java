package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.outbound.Outbox;
import io.github.twocheckout.connector.outbound.RetrySchedule;
import io.github.twocheckout.connector.protocol.WebhookSignature;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Codes from a connector's license server (code source {@code remote}) or route ({@code route}),
 * asked for outside any held transaction (routes/code-sources.camel.yaml). The ledger reserves a
 * license it has no code for (a row keyed by the license's identity, committed with the notification,
 * which waits PARKED); the source is called after that with the key as Idempotency-Key; its answer is
 * stored, and the notifications of the order go back in the queue, where the ledger issues the license
 * with the stored code. A crash between the call and the store calls again with the same key, and the
 * source answers the same code: one license.
 */
public class CodeRequests extends Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(CodeRequests.class);

    /** A stored answer: the code, and the expiry the source set (null: the product's). */
    public record Answer(String code, Timestamp expiresAt) {
    }

    public CodeRequests(DataSource dataSource) {
        super(dataSource, "code_request", new RetrySchedule(5, 300, 0));
    }

    /** The license's identity, the same for every channel: vendor, order, product mapping, unit. */
    public static String key(ProductLicense product, OrderLine line, int unitNo) {
        return product.vendorCode() + ":" + line.getOrderRef() + ":" + product.mappingId() + ":" + unitNo;
    }

    /** The source's answer for this license, once there is one. */
    public Answer answer(String key) {
        List<Answer> a = jdbc.query("SELECT code, expires_at FROM code_request WHERE idempotency_key = ? AND status = 'DONE'",
                (rs, i) -> new Answer(rs.getString(1), rs.getTimestamp(2)), key);
        return a.isEmpty() ? null : a.get(0);
    }

    /**
     * Reserves a license (in the caller's transaction): the request the source will get, and the
     * notification that waits for it (the latest one, when several channels ask).
     */
    public void reserve(String key, ProductLicense product, OrderLine line, int unitNo, boolean test, Timestamp expires,
                        StoredNotification notification) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("idempotencyKey", key);
        request.put("vendor", product.vendorCode());
        request.put("connector", product.connectorName());
        request.put("order", line.getOrderRef());
        request.put("unit", unitNo);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", line.getProductId());
        p.put("code", line.getProductCode());
        p.put("name", product.productName());
        p.put("edition", product.edition());
        p.put("licenseType", product.subscription() ? "subscription" : "perpetual");
        request.put("product", p);
        Map<String, Object> licensee = new LinkedHashMap<>();
        licensee.put("name", line.getCustomerName());
        licensee.put("email", line.getCustomerEmail());
        request.put("licensee", licensee);
        request.put("quantity", product.perUnit() ? 1 : line.getQuantity());
        request.put("maxActivations", product.maxActivations());
        request.put("expiresAt", expires == null ? null : expires.toInstant().toString());
        request.put("test", test);
        jdbc.update("""
                INSERT INTO code_request (idempotency_key, connector_id, notification_id, request) VALUES (?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO UPDATE SET notification_id = EXCLUDED.notification_id""",
                key, product.connectorId(), notification.getId(), Json.toJson(request));
    }

    private static final String RETURNING = """
            RETURNING r.id, r.idempotency_key, r.request, r.attempts, r.notification_id, c.code_source_uri AS uri, c.id AS connector_id""";

    /** Due requests of every connector, leased to this caller. */
    public List<Map<String, Object>> claimDue() {
        return jdbc.queryForList("""
                UPDATE code_request r SET lease_until = now() + make_interval(secs => ?), attempts = r.attempts + 1
                FROM connector c
                WHERE c.id = r.connector_id
                  AND r.id IN (SELECT id FROM code_request WHERE status = 'PENDING' AND next_attempt_at <= now()
                                 AND (lease_until IS NULL OR lease_until < now())
                               ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                """ + RETURNING, leaseSeconds, batch);
    }

    /** The requests a key-generator call waits for, asked for now, within the call (leases aside: the key makes a second call harmless). */
    public List<Map<String, Object>> claimFor(Long notificationId) {
        return jdbc.queryForList("""
                UPDATE code_request r SET lease_until = now() + make_interval(secs => ?), attempts = r.attempts + 1
                FROM connector c
                WHERE c.id = r.connector_id AND r.notification_id = ? AND r.status = 'PENDING'
                """ + RETURNING, leaseSeconds, notificationId);
    }

    /**
     * The request as the source receives it: the JSON body, Idempotency-Key, and for a connector with a
     * secret the Standard Webhooks signature headers (the license server can tell it is us). Every other
     * header is removed first.
     */
    public void prepare(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> row = m.getBody(Map.class);
        String key = (String) row.get("idempotency_key");
        String body = (String) row.get("request");
        m.removeHeaders("*");
        m.setHeader("Idempotency-Key", key);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        // Read here, not claimed with the row: a claimed batch may end up in an error log.
        String secret = jdbc.queryForObject("SELECT code_source_secret FROM connector WHERE id = ?", String.class, row.get("connector_id"));
        if (secret != null) {
            long timestamp = System.currentTimeMillis() / 1000;
            m.setHeader("webhook-id", key);
            m.setHeader("webhook-timestamp", String.valueOf(timestamp));
            m.setHeader("webhook-signature", WebhookSignature.header(key, timestamp, body, secret));
        }
        exchange.setVariable("codeRequestId", row.get("id"));
        exchange.setVariable("codeRequestKey", key);
        exchange.setVariable("codeRequestAttempts", row.get("attempts"));
        exchange.setVariable("codeSourceUri", row.get("uri"));
        m.setBody(body);
    }

    /**
     * The source's answer, {"code": "..."} (or {"codes": ["..."]}) with an optional "expiresAt": stored,
     * and the order's waiting notifications queued again. Anything else is a failure, tried again.
     */
    public void answered(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        Map<String, Object> answer;
        try {
            answer = Json.object(body);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the code source answered no JSON object");
        }
        Object code = answer.get("code");
        if (code == null && answer.get("codes") instanceof List<?> codes && !codes.isEmpty()) {
            code = codes.get(0);
        }
        if (code == null || !String.valueOf(code).matches("[\\p{Alnum}._:+/=-]{1,200}")) {
            throw new IllegalStateException("the code source answered no usable \"code\"");
        }
        Object expires = answer.get("expiresAt");
        Timestamp expiresAt = expires == null || String.valueOf(expires).isBlank() ? null : Timestamp.from(Instant.parse(String.valueOf(expires)));
        long id = exchange.getVariable("codeRequestId", Long.class);
        jdbc.update("""
                WITH stored AS (
                    UPDATE code_request SET status = 'DONE', code = ?, expires_at = ?, answered_at = now(), lease_until = NULL,
                           last_error = NULL
                    WHERE id = ? AND status = 'PENDING' RETURNING notification_id)
                UPDATE notification SET status = 'RECEIVED', updated_at = now()
                WHERE status = 'PARKED' AND (vendor_id, order_ref) IN (SELECT n.vendor_id, n.order_ref FROM notification n
                                                                     JOIN stored s ON s.notification_id = n.id)""",
                String.valueOf(code), expiresAt, id);
        LOG.info("code source answered license {} (attempt {})", exchange.getVariable("codeRequestKey"), exchange.getVariable("codeRequestAttempts"));
    }

    /** Not answered: asked again after the back-off (the notification keeps waiting, PARKED). */
    public void retryLater(Exchange exchange) {
        String error = RetrySchedule.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        int attempts = exchange.getVariable("codeRequestAttempts", Integer.class);
        failed(exchange.getVariable("codeRequestId", Long.class), attempts, error);
        LOG.warn("code source did not answer license {} (attempt {}), asked again in {} s: {}", exchange.getVariable("codeRequestKey"),
                attempts, schedule.delayAfter(attempts), error);
    }
}
