package io.github.twocheckout.connector.outbound;

import io.github.twocheckout.connector.model.Principal;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.IdnMessage;
import io.github.twocheckout.connector.protocol.IpnMessage;
import io.github.twocheckout.connector.protocol.KeygenRequest;
import io.github.twocheckout.connector.storage.ListPage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IDN outbox (routes/idn.camel.yaml): fulfilment confirmations for the orders of vendors that
 * opted in (vendor.idn_enabled). The key generator's answer and IPN COMPLETE each record their half in
 * their own transaction; a row with both halves is due. The sender posts it to 2Checkout, keeps the
 * parsed answer, and tries again with back-off until 2Checkout accepts it or the schedule gives up
 * (FAILED, alerted, retried from the panel or API).
 */
public class IdnOutbox extends Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(IdnOutbox.class);

    private List<String> fields = List.of("MERCHANT", "ORDER_REF", "ORDER_AMOUNT", "ORDER_CURRENCY", "IDN_DATE");
    private String signatureField = "ORDER_HASH";
    private HmacAlgorithm algorithm = HmacAlgorithm.SHA256;
    private Set<String> acceptedCodes = Set.of("1");
    private boolean verifyAnswer = true;
    public IdnOutbox(DataSource dataSource) {
        super(dataSource, "idn_outbox", new RetrySchedule(30, 3600, 24));
    }

    /** The key generator answered a call with codes: its half of the order's confirmation. */
    public void codesAnswered(@Variable("notification") StoredNotification notification, @Variable("keygen") KeygenRequest keygen) {
        jdbc.update("""
                INSERT INTO idn_outbox (vendor_id, order_ref, codes_answered_at)
                SELECT id, ?, now() FROM vendor WHERE id = ? AND idn_enabled
                ON CONFLICT (vendor_id, order_ref) DO UPDATE
                    SET codes_answered_at = coalesce(idn_outbox.codes_answered_at, EXCLUDED.codes_answered_at)""",
                keygen.getOrderRef(), notification.getVendorId());
    }

    /** IPN COMPLETE (and not denied by the fraud review): the other half, with the amount to confirm. */
    public void ipnComplete(@Variable("notification") StoredNotification notification, @Variable("ipn") IpnMessage ipn) {
        jdbc.update("""
                INSERT INTO idn_outbox (vendor_id, order_ref, order_amount, order_currency, ipn_complete_at)
                SELECT id, ?, ?, ?, now() FROM vendor WHERE id = ? AND idn_enabled
                ON CONFLICT (vendor_id, order_ref) DO UPDATE
                    SET ipn_complete_at = coalesce(idn_outbox.ipn_complete_at, EXCLUDED.ipn_complete_at),
                        order_amount = coalesce(idn_outbox.order_amount, EXCLUDED.order_amount),
                        order_currency = coalesce(idn_outbox.order_currency, EXCLUDED.order_currency)""",
                ipn.getOrderRef(), ipn.getTotalGeneral(), ipn.getCurrency(), notification.getVendorId());
    }

    /** A row's status as shown: WAITING while the key generator's answer or IPN COMPLETE is missing. */
    public static final String STATUS = """
            CASE WHEN o.status = 'PENDING' AND (o.codes_answered_at IS NULL OR o.ipn_complete_at IS NULL)
                 THEN 'WAITING' ELSE o.status END""";

    static final String CLAIM_DUE = """
            UPDATE idn_outbox o SET lease_until = now() + make_interval(secs => ?), attempts = o.attempts + 1
            FROM vendor v
            WHERE v.id = o.vendor_id
              AND o.id IN (SELECT id FROM idn_outbox
                           WHERE status = 'PENDING' AND codes_answered_at IS NOT NULL AND ipn_complete_at IS NOT NULL
                             AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                           ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING o.id, o.vendor_id, o.order_ref, o.order_amount, o.order_currency, o.attempts, v.code AS vendor_code,
                      v.merchant_code""";

    /** Due confirmations, leased to this sender. */
    public List<Map<String, Object>> claimDue() {
        return jdbc.queryForList(CLAIM_DUE, leaseSeconds, batch);
    }

    /** The signed form, as the body of a POST; every header removed first. */
    public void prepare(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> row = m.getBody(Map.class);
        String date = IdnMessage.now();
        Map<String, String> values = Map.of(
                "MERCHANT", str(row.get("merchant_code")), "ORDER_REF", str(row.get("order_ref")),
                "ORDER_AMOUNT", str(row.get("order_amount")), "ORDER_CURRENCY", str(row.get("order_currency")),
                "IDN_DATE", date);
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8");
        // The key is read here, not claimed with the row: a claimed batch may end up in an error log.
        m.setBody(IdnMessage.encode(IdnMessage.form(fields, values, algorithm, secretKey(row.get("vendor_id")), signatureField)));
        exchange.setVariable("idnId", row.get("id"));
        exchange.setVariable("idnAttempts", row.get("attempts"));
        exchange.setVariable("idnOrderRef", row.get("order_ref"));
        exchange.setVariable("idnVendorCode", row.get("vendor_code"));
        exchange.setVariable("idnVendorId", row.get("vendor_id"));
        jdbc.update("UPDATE idn_outbox SET idn_date = ? WHERE id = ?", date, row.get("id"));
    }

    /**
     * 2Checkout's answer: kept, and CONFIRMED when its code is an accepted one (and its hash, if it
     * carries one, is 2Checkout's); anything else is an {@link IdnRefusedException}, retried as a
     * failure to reach 2Checkout is.
     */
    public void answered(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        long id = exchange.getVariable("idnId", Long.class);
        IdnMessage.Answer answer = IdnMessage.parse(body, algorithm, secretKey(exchange.getVariable("idnVendorId")));
        String clipped = body == null ? null : body.length() > 2000 ? body.substring(0, 2000) : body;
        jdbc.update("UPDATE idn_outbox SET response_code = ?, response_message = ?, response_body = ? WHERE id = ?",
                answer == null ? null : answer.code(), answer == null ? null : answer.message(), clipped, id);
        if (answer == null) {
            throw new IdnRefusedException("2Checkout's answer holds no <EPAYMENT> element");
        }
        if (verifyAnswer && Boolean.FALSE.equals(answer.signatureValid())) {
            throw new IdnRefusedException("2Checkout's answer is not signed with the vendor's secret key");
        }
        if (!acceptedCodes.contains(answer.code())) {
            throw new IdnRefusedException("2Checkout answered " + answer.code() + " " + answer.message());
        }
        jdbc.update("UPDATE idn_outbox SET status = 'CONFIRMED', confirmed_at = now(), lease_until = NULL, last_error = NULL WHERE id = ?", id);
        LOG.info("IDN for order {} of vendor {} confirmed by 2Checkout: {} {}", exchange.getVariable("idnOrderRef"),
                exchange.getVariable("idnVendorCode"), answer.code(), answer.message());
    }

    /** Not sent or not accepted: tried again later, or FAILED once the schedule gave up (variable idnFailed). */
    public void retryLater(Exchange exchange) {
        String error = RetrySchedule.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        long id = exchange.getVariable("idnId", Long.class);
        int attempts = exchange.getVariable("idnAttempts", Integer.class);
        boolean failed = failed(id, attempts, error);
        exchange.setVariable("idnFailed", failed);
        exchange.setVariable("idnError", error);
        if (failed) {
            LOG.error("IDN for order {} of vendor {} FAILED after {} attempt(s): {}", exchange.getVariable("idnOrderRef"),
                    exchange.getVariable("idnVendorCode"), attempts, error);
        } else {
            LOG.warn("IDN for order {} of vendor {} not confirmed (attempt {}), next try in {} s: {}", exchange.getVariable("idnOrderRef"),
                    exchange.getVariable("idnVendorCode"), attempts, schedule.delayAfter(attempts), error);
        }
    }

    /** Sends a FAILED (or waiting) confirmation again now. A confirmed one is never sent twice. */
    public Map<String, Object> retry(@Header("id") long id) {
        return Map.of("retried", requeueOne(id, "'FAILED', 'PENDING'", "IDN"));
    }

    /** What the confirmations may be sorted by (API name to column of idn_outbox o). */
    private static final Map<String, String> SORTABLE = Map.of("id", "o.id", "created_at", "o.created_at",
            "confirmed_at", "o.confirmed_at", "order_ref", "o.order_ref");

    /**
     * Confirmations, newest first: by order, vendor or status (WAITING: the key generator's answer or IPN
     * COMPLETE still missing), a page at a time (offset, limit, sort) with the total in X-Total-Count.
     */
    public List<Map<String, Object>> search(@Header("order") String order, @Header("vendor") String vendor,
                                            @Header("status") String status, @Header("offset") String offset,
                                            @Header("limit") String limit, @Header("sort") String sort,
                                            @Variable("principal") Principal p, Exchange exchange) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new ArrayList<>();
        p.restrict(where, args, "o.vendor_id");
        if (present(order)) {
            where.append(" AND o.order_ref = ?");
            args.add(order.trim());
        }
        if (present(vendor)) {
            where.append(" AND o.vendor_id = ?");
            args.add(Long.parseLong(vendor.trim()));
        }
        if (present(status)) {
            String s = status.trim().toUpperCase(Locale.ROOT);
            where.append("WAITING".equals(s) ? " AND o.status = 'PENDING' AND (o.codes_answered_at IS NULL OR o.ipn_complete_at IS NULL)"
                    : " AND o.status = ?");
            if (!"WAITING".equals(s)) {
                args.add(s);
            }
        }
        return ListPage.of(offset, limit, sort, SORTABLE, "o.id DESC", "o.id").query(jdbc, "idn_outbox o", where.toString(), args, """
                SELECT o.id, v.code AS vendor, o.order_ref, o.order_amount, o.order_currency, o.codes_answered_at,
                       o.ipn_complete_at,
                       """ + STATUS + """
                        AS status,
                       o.attempts, o.next_attempt_at, o.last_error, o.idn_date, o.response_code, o.response_message,
                       o.created_at, o.confirmed_at
                FROM {page} o JOIN vendor v ON v.id = o.vendor_id""", exchange);
    }

    private String secretKey(Object vendorId) {
        return str(jdbc.queryForObject("SELECT secret_key FROM vendor WHERE id = ?", String.class, vendorId));
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    public void setFields(String fields) {
        this.fields = Arrays.stream(fields.split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
    }

    public void setSignatureField(String signatureField) {
        this.signatureField = signatureField.trim();
    }

    /** HMAC-SHA256, HMAC-SHA3-256 or HMAC-MD5. */
    public void setAlgorithm(String algorithm) {
        this.algorithm = Arrays.stream(HmacAlgorithm.values()).filter(a -> a.label().equalsIgnoreCase(algorithm.trim()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("idn.algorithm: unknown HMAC " + algorithm));
    }

    public void setAcceptedCodes(String codes) {
        this.acceptedCodes = Set.copyOf(Arrays.stream(codes.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList());
    }

    public void setVerifyAnswer(boolean verifyAnswer) {
        this.verifyAnswer = verifyAnswer;
    }

    /** 2Checkout answered, but not with an accepted confirmation. */
    public static class IdnRefusedException extends RuntimeException {
        public IdnRefusedException(String message) {
            super(message);
        }
    }
}
