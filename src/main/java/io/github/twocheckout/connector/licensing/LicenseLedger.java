package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.model.LicenseAction;
import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static io.github.twocheckout.connector.storage.SqlArg.text;

/**
 * The license table and its audit trail. Licenses are keyed by (vendor, order, product mapping,
 * unit), so issuing is idempotent under retries, replays and concurrent deliveries from several
 * channels; every change writes a license_event whose key makes it happen once.
 */
public class LicenseLedger {

    final JdbcTemplate jdbc;
    final TransactionTemplate tx;
    private final LicenseCodeGenerator generator;
    private CodePool pool;
    private CodeRequests codeRequests;
    /** Commercial facts, written in the same transactions as the license changes (none when not wired). */
    OrderFacts facts;

    public LicenseLedger(DataSource dataSource, LicenseCodeGenerator generator) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.generator = generator;
    }

    public void setOrderFacts(OrderFacts facts) {
        this.facts = facts;
    }

    public void setCodePool(CodePool pool) {
        this.pool = pool;
    }

    public void setCodeRequests(CodeRequests codeRequests) {
        this.codeRequests = codeRequests;
    }

    /** A license of a line, unless it exists (parameters: its columns in this order). */
    private static final String ISSUE_LICENSE = """
            WITH issued AS (
                INSERT INTO license (code, vendor_id, connector_id, product_mapping_id, original_mapping_id, order_ref,
                                     unit_no, quantity, subscription_ref, customer_name, customer_email, status,
                                     renewing, test, issued_at, expires_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?)
                ON CONFLICT (vendor_id, order_ref, original_mapping_id, unit_no) DO NOTHING
                RETURNING id)""";

    /** The ISSUED event of a license just inserted (parameters: the notification id, the detail). */
    private static final String ISSUED_EVENT = """

            INSERT INTO license_event (license_id, notification_id, event, event_key, from_status, to_status, detail)
            SELECT id, ?, 'ISSUED', 'ISSUED', NULL, 'ACTIVE', ? FROM issued
            RETURNING license_id""";

    /** Issues the licenses of a line (one per unit, or one for the line), or returns those that exist. */
    public List<String> issue(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                              @Variable("notification") StoredNotification notification,
                              @Variable("report") ProcessingReport report) {
        ProductLicense product = ProductLicense.from(productRow);
        boolean test = line.isTest() || product.testingMode();
        int units = product.perUnit() ? line.getQuantity() : 1;
        Instant now = Instant.now();
        Timestamp expires = !product.subscription() || line.isLifetime() ? null
                : line.getExpiresAt() != null ? Timestamp.from(line.getExpiresAt())
                : expiry(now, product.renewalPeriod(line.getRecurrence()));
        int[] created = {0};
        List<String> codes = tx.execute(status -> {
            List<String> issued = new java.util.ArrayList<>(units);
            // Units are numbered across the lines of the product (OrderLine.numberedAcrossLines); a line of a
            // per_line product is one license, numbered first unit - 1 (0 for the first line).
            int lastUnit = line.getFirstUnit() + line.getQuantity() - 1;
            // A pool's code is taken only for a unit without a license: one taken in vain is given back below.
            java.util.Set<Integer> existing = product.codesFromPool() || product.codesFromSource() ? new java.util.HashSet<>(jdbc.queryForList(
                    "SELECT unit_no FROM license WHERE vendor_id = ? AND order_ref = ? AND original_mapping_id = ?", Integer.class,
                    notification.getVendorId(), line.getOrderRef(), product.mappingId())) : java.util.Set.of();
            boolean factCarried = false;
            int waiting = 0;
            for (int u = 1; u <= units; u++) {
                int unitNo = product.perUnit() ? line.getFirstUnit() + u - 1 : line.getFirstUnit() - 1;
                if (existing.contains(unitNo)) {
                    continue;
                }
                Timestamp unitExpires = expires;
                String sourced = null;
                if (product.codesFromSource()) {
                    // The license server's (or route's) code, once it answered; until then the license is
                    // reserved and the notification waits (CodeRequests, routes/code-sources.camel.yaml).
                    String key = CodeRequests.key(product, line, unitNo);
                    CodeRequests.Answer answer = codeRequests.answer(key);
                    if (answer == null) {
                        codeRequests.reserve(key, product, line, unitNo, test, expires, notification);
                        waiting++;
                        continue;
                    }
                    sourced = answer.code();
                    unitExpires = answer.expiresAt() != null ? answer.expiresAt() : expires;
                }
                String pooled = product.codesFromPool() ? pool.take(product.connectorId(), product.connectorName(), test) : null;
                String code = sourced != null ? sourced : pooled != null ? pooled : generator.generate(new LicenseCodeGenerator.Request(
                        product.vendorCode(), product.productName(), product.edition(), line.getOrderRef(), unitNo, product.codePrefix(),
                        test, product.codeFormat()));
                // The license and its ISSUED event in one statement (one round trip): a license that exists
                // already inserts neither. The first statement carries the line's sale fact too.
                OrderFacts.Insert fact = !factCarried && facts != null ? facts.saleInsert(line, product, notification) : null;
                factCarried |= fact != null;
                Object[] license = {code, notification.getVendorId(), product.connectorId(), product.mappingId(), product.mappingId(),
                        line.getOrderRef(), unitNo, product.perUnit() ? 1 : line.getQuantity(), text(line.getSubscriptionRef()),
                        text(line.getCustomerName()), text(line.getCustomerEmail()), product.subscription(), test, Timestamp.from(now), unitExpires,
                        // updated_at's default is the transaction's start, which can come before now (a lot's transaction)
                        Timestamp.from(now)};
                Object[] event = {notification.getId(),
                        (test ? "test license, " : "") + notification.getChannel() + " " + notification.getMessageType()};
                List<Long> ids = fact == null
                        ? jdbc.queryForList(ISSUE_LICENSE + ISSUED_EVENT, Long.class, concat(license, event))
                        : jdbc.queryForList(ISSUE_LICENSE + ", fact AS (" + fact.sql() + ")" + ISSUED_EVENT, Long.class,
                                concat(license, fact.args(), event));
                if (!ids.isEmpty()) {
                    created[0]++;
                    issued.add(code);
                } else if (pooled != null) {
                    pool.giveBack(product.connectorId(), pooled); // another channel made this license meanwhile
                }
            }
            if (created[0] < units) {
                // Licenses another channel issued (key generator, then IPN; INS, then IPN): the audit trail
                // shows this channel confirming them, once per channel. A subscription term this channel
                // states (IPN_LICENSE_EXP) replaces the one computed at issue, unless a renewal came since.
                boolean term = product.subscription() && (line.getExpiresAt() != null || line.isLifetime());
                jdbc.update("""
                        WITH confirmed AS (
                            INSERT INTO license_event (license_id, notification_id, event, event_key, from_status, to_status, detail)
                            SELECT l.id, ?, 'CONFIRMED', 'CONFIRMED:' || ?, l.status, l.status, ?
                            FROM license l
                            WHERE l.vendor_id = ? AND l.order_ref = ? AND l.original_mapping_id = ?
                              AND NOT EXISTS (SELECT 1 FROM license_event e JOIN notification n ON n.id = e.notification_id
                                              WHERE e.license_id = l.id AND e.event = 'ISSUED' AND n.channel = ?)
                            ON CONFLICT (license_id, event_key) DO NOTHING
                            RETURNING license_id)
                        UPDATE license SET expires_at = ?, updated_at = now()
                        WHERE ? AND id IN (SELECT license_id FROM confirmed)
                          AND NOT EXISTS (SELECT 1 FROM license_event e WHERE e.license_id = license.id AND e.event = 'RENEWED')""",
                        notification.getId(), notification.getChannel(),
                        "order confirmed by " + notification.getChannel() + " " + notification.getMessageType()
                                + (term ? ", expires " + (line.isLifetime() ? "lifetime" : line.getExpiresAt().toString()) : ""),
                        notification.getVendorId(), line.getOrderRef(), product.mappingId(), notification.getChannel(),
                        line.isLifetime() || line.getExpiresAt() == null ? null : Timestamp.from(line.getExpiresAt()), term);
            }
            if (line.getSubscriptionRef() != null && created[0] < units) {
                // Issued first by a channel that does not know the subscription (INS, key generator): now we do.
                // (Licenses this run created carry it already.)
                jdbc.update("""
                        UPDATE license SET subscription_ref = ?, updated_at = now()
                        WHERE vendor_id = ? AND order_ref = ? AND original_mapping_id = ? AND subscription_ref IS NULL""",
                        line.getSubscriptionRef(), notification.getVendorId(), line.getOrderRef(), product.mappingId());
            }
            if (facts != null && !factCarried) {
                facts.sale(line, product, notification); // no license statement carried it
            }
            if (waiting > 0) {
                report.park(waiting + " license(s) of " + product.productName() + " reserved, waiting for their code from connector "
                        + product.connectorName() + "'s code source");
            }
            if (created[0] == units) {
                return issued; // all new, in unit order: nothing to read back
            }
            // This line's codes (another line of the same product has its own units).
            return jdbc.queryForList("""
                    SELECT code FROM license WHERE vendor_id = ? AND order_ref = ? AND original_mapping_id = ?
                      AND unit_no BETWEEN ? AND ?
                    ORDER BY unit_no""", String.class, notification.getVendorId(), line.getOrderRef(), product.mappingId(),
                    product.perUnit() ? line.getFirstUnit() : line.getFirstUnit() - 1,
                    product.perUnit() ? lastUnit : line.getFirstUnit() - 1);
        });
        report.issued(product, line, codes, created[0]);
        return codes;
    }

    /**
     * Confirms the licenses of a line that another channel issued, issuing none: for connectors whose INS
     * only follows up what IPN or the key generator issued (insRole follow_up). Without licenses yet the
     * notification is parked, and applied when they are issued.
     */
    public int confirm(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                       @Variable("notification") StoredNotification notification,
                       @Variable("report") ProcessingReport report) {
        ProductLicense product = ProductLicense.from(productRow);
        int[] found = {0};
        Integer confirmed = tx.execute(status -> {
            List<Map<String, Object>> licenses = lockLineLicenses(notification.getVendorId(), line, product.mappingId());
            found[0] = licenses.size();
            int n = 0;
            for (Map<String, Object> license : licenses) {
                String from = (String) license.get("status");
                if (event(((Number) license.get("id")).longValue(), notification.getId(), "CONFIRMED",
                        "CONFIRMED:" + notification.getChannel(), from, from,
                        "order confirmed by " + notification.getChannel() + " " + notification.getMessageType())) {
                    n++;
                }
            }
            return n;
        });
        if (found[0] == 0) {
            report.park("no license for order " + line.getOrderRef() + " product " + line.getProductRef()
                    + " yet: this connector's INS only confirms licenses that IPN or the key generator issued (insRole: follow_up)");
        } else {
            report.note(found[0] + " license(s) of " + product.productName() + " confirmed by INS");
        }
        return confirmed == null ? 0 : confirmed;
    }

    /** Applies a status change to the licenses of a line, once per notification. */
    public int apply(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                     @Variable("notification") StoredNotification notification,
                     @Variable("report") ProcessingReport report, LicenseAction action) {
        ProductLicense product = ProductLicense.from(productRow);
        int[] found = {0};
        Integer changed = tx.execute(status -> {
            List<Map<String, Object>> licenses = lockLineLicenses(notification.getVendorId(), line, product.mappingId());
            found[0] = licenses.size();
            if (facts != null && !licenses.isEmpty()) {
                facts.statusChanged(action, line, product, notification);
            }
            return changeStatus(licenses, action, notification);
        });
        if (found[0] == 0) {
            String what = "no license for order " + line.getOrderRef() + " product " + line.getProductRef();
            if (action.parkWhenMissing) {
                report.park(what + " yet (" + action.reason + "); applied when the order's licenses are issued");
            } else {
                report.note(what + ": nothing to " + action.event.toLowerCase().replace('_', ' ') + " (" + action.reason + ")");
            }
        } else {
            report.changed(product, line, action, changed == null ? 0 : changed, found[0]);
        }
        return changed == null ? 0 : changed;
    }

    public int revokeForRefund(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                               @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.REVOKE_REFUND);
    }

    public int suspendForRefund(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                                @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.SUSPEND_REFUND);
    }

    public int noteRefund(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                          @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.NOTE_REFUND);
    }

    public int revokeForFraud(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                              @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.REVOKE_FRAUD);
    }

    public int revokeForDecline(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                                @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.REVOKE_DECLINED);
    }

    public int markPastDue(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                           @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.PAST_DUE);
    }

    public int suspendUnpaid(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                             @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.SUSPEND_UNPAID);
    }

    public int stopRenewals(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                            @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.STOP_RENEWALS);
    }

    public int revokeStopped(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                             @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.REVOKE_STOPPED);
    }

    public int completeRenewals(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                                @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.COMPLETE_RENEWALS);
    }

    public int reinstate(@Body OrderLine line, @Variable("product") Map<String, Object> product,
                         @Variable("notification") StoredNotification n, @Variable("report") ProcessingReport r) {
        return apply(line, product, n, r, LicenseAction.REINSTATE);
    }

    /**
     * Extends the licenses of a subscription line by one recurrence, once per invoice: 2Checkout
     * re-sends a successful installment identically, and each invoice pays for exactly one period.
     */
    public int renew(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                     @Variable("notification") StoredNotification notification,
                     @Variable("report") ProcessingReport report) {
        ProductLicense product = ProductLicense.from(productRow);
        if (!product.subscription()) {
            // The recurrence is the message's word, the license type the vendor's: a perpetual license never expires.
            report.note("renewal for " + product.productName() + " ignored: the product is perpetual");
            return 0;
        }
        Period period = product.renewalPeriod(line.getRecurrence());
        if (period == null) {
            report.note("renewal for " + product.productName() + " ignored: the product is perpetual and no recurrence was sent");
            return 0;
        }
        int[] found = {0};
        String[] until = {null};
        Integer renewed = tx.execute(status -> {
            List<Map<String, Object>> licenses = lockLineLicenses(notification.getVendorId(), line, product.mappingId());
            found[0] = licenses.size();
            if (facts != null && !licenses.isEmpty()) {
                facts.renewal(line, product, notification, "invoice:" + line.getInvoiceId());
            }
            return extend(licenses, notification, "RENEWED:invoice:" + line.getInvoiceId(), "invoice " + line.getInvoiceId(),
                    current -> expiry(current == null ? Instant.now() : current.toInstant(), period), until);
        });
        if (found[0] == 0) {
            report.park("no license for order " + line.getOrderRef() + " product " + line.getProductRef()
                    + " yet (renewal, invoice " + line.getInvoiceId() + "); applied when the order's licenses are issued");
            return 0;
        }
        report.renewed(product, line, renewed == null ? 0 : renewed, found[0], until[0]);
        return renewed == null ? 0 : renewed;
    }

    /**
     * Renews each license that is not revoked, once per event key: active again, auto-renewing, with the
     * expiry {@code nextExpiry} computes from the current one (null = lifetime). Returns how many changed;
     * {@code until[0]} gets the last new expiry, for the report.
     */
    int extend(List<Map<String, Object>> licenses, StoredNotification notification, String eventKey, String detail,
               java.util.function.UnaryOperator<Timestamp> nextExpiry, String[] until) {
        int n = 0;
        for (Map<String, Object> license : licenses) {
            long id = ((Number) license.get("id")).longValue();
            String from = (String) license.get("status");
            if ("REVOKED".equals(from)) {
                continue;
            }
            Timestamp next = nextExpiry.apply((Timestamp) license.get("expires_at"));
            String expires = next == null ? "lifetime" : next.toInstant().toString();
            if (!event(id, notification.getId(), "RENEWED", eventKey, from, "ACTIVE", detail + ", expires " + expires)) {
                continue;
            }
            jdbc.update("""
                    UPDATE license SET status = 'ACTIVE', status_reason = NULL, expires_at = ?, renewing = TRUE,
                           updated_at = now() WHERE id = ?""", next, id);
            until[0] = expires;
            n++;
        }
        return n;
    }

    /** Applies a status change to each license it applies to, once per notification; returns how many changed. */
    int changeStatus(List<Map<String, Object>> licenses, LicenseAction action, StoredNotification notification) {
        int n = 0;
        for (Map<String, Object> license : licenses) {
            long id = ((Number) license.get("id")).longValue();
            String from = (String) license.get("status");
            boolean statusChange = action.appliesTo(from, license.get("status_reason"));
            boolean recordOnly = action.targetStatus == null;
            if (!statusChange && !recordOnly) {
                continue;
            }
            String to = statusChange ? action.targetStatus : from;
            if (!event(id, notification.getId(), action.event, action.event + ":" + notification.getId(), from, to, action.reason)) {
                continue;
            }
            jdbc.update("""
                    UPDATE license SET status = ?, status_reason = ?, renewing = renewing AND NOT ?, updated_at = now()
                    WHERE id = ?""", to, statusChange ? action.reason : license.get("status_reason"), action.stopsRenewing, id);
            n++;
        }
        return n;
    }

    static final String LICENSE_COLUMNS = "id, status, status_reason, expires_at, test, product_mapping_id, "
            + "original_mapping_id, order_ref, connector_id";

    /** The licenses issued for the order line; for a line of a later order (renewal, refund of a renewal), its subscription's. */
    List<Map<String, Object>> lockLineLicenses(Long vendorId, OrderLine line, long mappingId) {
        List<Map<String, Object>> licenses = jdbc.queryForList("SELECT " + LICENSE_COLUMNS + """
                 FROM license WHERE vendor_id = ? AND order_ref = ? AND original_mapping_id = ?
                ORDER BY unit_no FOR UPDATE""", vendorId, line.getOrderRef(), mappingId);
        if (licenses.isEmpty() && line.getSubscriptionRef() != null) {
            licenses = lockSubscription(vendorId, line.getSubscriptionRef());
        }
        return licenses;
    }

    List<Map<String, Object>> lockSubscription(Long vendorId, String subscriptionRef) {
        return jdbc.queryForList("SELECT " + LICENSE_COLUMNS + """
                 FROM license WHERE vendor_id = ? AND subscription_ref = ?
                ORDER BY id FOR UPDATE""", vendorId, subscriptionRef);
    }

    /** Writes an audit event; false when an event with that key exists (the change happened before). */
    boolean event(long licenseId, long notificationId, String event, String key, String from, String to, String detail) {
        return !jdbc.queryForList("""
                INSERT INTO license_event (license_id, notification_id, event, event_key, from_status, to_status, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (license_id, event_key) DO NOTHING RETURNING id""", Long.class,
                licenseId, notificationId, event, key, from, to, detail).isEmpty();
    }

    static Timestamp expiry(Instant from, Period period) {
        if (period == null) {
            return null;
        }
        return Timestamp.from(OffsetDateTime.ofInstant(from, ZoneOffset.UTC).plus(period).toInstant());
    }

    private static Object[] concat(Object[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray();
    }
}
