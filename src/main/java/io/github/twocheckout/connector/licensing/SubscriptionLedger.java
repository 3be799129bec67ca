package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.model.LicenseAction;
import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.protocol.LcnMessage;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Changes that 2Checkout keys by subscription reference (IPN_LICENSE_REF, LCN LICENSE_CODE) rather than
 * by order line: renewal orders, upgrades and license change notifications. Same table, same audit
 * trail and the same once-only event keys as {@link LicenseLedger}.
 */
public class SubscriptionLedger {

    private final LicenseLedger ledger;

    public SubscriptionLedger(LicenseLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * A renewal order line: extends the subscription's licenses once per renewal order, to the expiry
     * 2Checkout states for the line, else by one period. Parked when the subscription is not known yet.
     */
    public int renew(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                     @Variable("notification") StoredNotification notification, @Variable("report") ProcessingReport report) {
        ProductLicense product = ProductLicense.from(productRow);
        if (line.getSubscriptionRef() == null) {
            report.error("renewal of " + product.productName() + " in order " + line.getOrderRef()
                    + " carries no subscription reference (IPN_LICENSE_REF): nothing to renew", product.connectorId());
            return 0;
        }
        Period period = product.renewalPeriod(null);
        int[] found = {0};
        String[] until = {null};
        Integer renewed = ledger.tx.execute(status -> {
            List<Map<String, Object>> licenses = ledger.lockSubscription(notification.getVendorId(), line.getSubscriptionRef());
            found[0] = licenses.size();
            if (ledger.facts != null && !licenses.isEmpty()) {
                ledger.facts.renewal(line, product, notification, "order:" + line.getOrderRef());
            }
            return ledger.extend(licenses, notification, "RENEWED:order:" + line.getOrderRef(), "renewal order " + line.getOrderRef(),
                    current -> line.isLifetime() ? null
                            : line.getExpiresAt() != null ? Timestamp.from(line.getExpiresAt())
                            : LicenseLedger.expiry(current == null ? Instant.now() : current.toInstant(), period),
                    until);
        });
        if (found[0] == 0) {
            report.park("no license for subscription " + line.getSubscriptionRef() + " yet (renewal order " + line.getOrderRef()
                    + "); applied when the subscription's order is licensed");
            return 0;
        }
        int n = renewed == null ? 0 : renewed;
        report.note(n > 0 ? "renewed " + n + " license(s) of subscription " + line.getSubscriptionRef() + " (" + product.productName()
                + ") until " + until[0] : "renewal order " + line.getOrderRef() + " already applied to subscription " + line.getSubscriptionRef());
        return n;
    }

    /**
     * True when the line moves an existing subscription to another product: 2Checkout says UPGRADE, or
     * the subscription it names is licensed for a different product through another order.
     */
    public boolean isUpgrade(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                             @Variable("notification") StoredNotification notification) {
        if (line.isUpgrade()) {
            return true;
        }
        if (line.getSubscriptionRef() == null || line.isRenewal()) {
            return false;
        }
        long mappingId = ((Number) productRow.get("mapping_id")).longValue();
        Integer other = ledger.jdbc.queryForObject("""
                SELECT count(*) FROM license WHERE vendor_id = ? AND subscription_ref = ?
                  AND order_ref <> ? AND original_mapping_id <> ?""", Integer.class,
                notification.getVendorId(), line.getSubscriptionRef(), line.getOrderRef(), mappingId);
        return other != null && other > 0;
    }

    /** Upgrade, mapping policy update_license: the subscription's licenses keep their codes and take the new product's parameters. */
    public int upgradeInPlace(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                              @Variable("notification") StoredNotification notification, @Variable("report") ProcessingReport report) {
        ProductLicense product = ProductLicense.from(productRow);
        int[] found = {0};
        Integer upgraded = ledger.tx.execute(status -> {
            List<Map<String, Object>> licenses = previousLicenses(notification, line);
            found[0] = licenses.size();
            if (ledger.facts != null && !licenses.isEmpty()) {
                ledger.facts.sale(line, product, notification);
            }
            int n = 0;
            for (Map<String, Object> license : licenses) {
                long id = ((Number) license.get("id")).longValue();
                String from = (String) license.get("status");
                if ("REVOKED".equals(from)) {
                    continue;
                }
                Timestamp expires = !product.subscription() || line.isLifetime() ? null
                        : line.getExpiresAt() != null ? Timestamp.from(line.getExpiresAt()) : (Timestamp) license.get("expires_at");
                if (!ledger.event(id, notification.getId(), "UPGRADED", "UPGRADED:order:" + line.getOrderRef(), from, from,
                        "upgraded to " + product.productName() + " by order " + line.getOrderRef())) {
                    continue;
                }
                ledger.jdbc.update("""
                        UPDATE license SET product_mapping_id = ?, connector_id = ?, expires_at = ?,
                               renewing = ? AND renewing, updated_at = now() WHERE id = ?""",
                        product.mappingId(), product.connectorId(), expires, product.subscription(), id);
                n++;
            }
            return n;
        });
        if (found[0] == 0) {
            report.park("no license for subscription " + line.getSubscriptionRef() + " yet (upgrade order " + line.getOrderRef()
                    + "); applied when the subscription's order is licensed");
            return 0;
        }
        int n = upgraded == null ? 0 : upgraded;
        report.note(n > 0 ? "upgraded " + n + " license(s) of subscription " + line.getSubscriptionRef() + " to "
                + product.productName() + ", codes unchanged" : "upgrade order " + line.getOrderRef() + " already applied");
        return n;
    }

    /** Upgrade, mapping policy new_license: new licenses for the new product; the ones they replace are revoked. */
    public int upgradeWithNewLicense(@Body OrderLine line, @Variable("product") Map<String, Object> productRow,
                                     @Variable("notification") StoredNotification notification,
                                     @Variable("report") ProcessingReport report) {
        List<Map<String, Object>> previous = ledger.tx.execute(status -> previousLicenses(notification, line));
        if (previous == null || previous.isEmpty()) {
            report.park("no license for subscription " + line.getSubscriptionRef() + " yet (upgrade order " + line.getOrderRef()
                    + "); applied when the subscription's order is licensed");
            return 0;
        }
        ledger.issue(line, productRow, notification, report);
        Integer revoked = ledger.tx.execute(status -> {
            int n = 0;
            for (Map<String, Object> license : previousLicenses(notification, line)) {
                long id = ((Number) license.get("id")).longValue();
                String from = (String) license.get("status");
                if ("REVOKED".equals(from) || !ledger.event(id, notification.getId(), "REPLACED", "REPLACED:order:" + line.getOrderRef(),
                        from, "REVOKED", "replaced by the upgrade in order " + line.getOrderRef())) {
                    continue;
                }
                ledger.jdbc.update("""
                        UPDATE license SET status = 'REVOKED', status_reason = 'replaced by upgrade', renewing = FALSE,
                               updated_at = now() WHERE id = ?""", id);
                n++;
            }
            return n;
        });
        if (revoked != null && revoked > 0) {
            report.note("revoked " + revoked + " license(s) replaced by the upgrade");
        }
        return revoked == null ? 0 : revoked;
    }

    /** The subscription's licenses from before this (upgrade) order, locked. */
    private List<Map<String, Object>> previousLicenses(StoredNotification notification, OrderLine line) {
        if (line.getSubscriptionRef() == null) {
            return List.of();
        }
        return ledger.lockSubscription(notification.getVendorId(), line.getSubscriptionRef()).stream()
                .filter(l -> !Objects.equals(l.get("order_ref"), line.getOrderRef()))
                .toList();
    }

    // --- LCN: the subscription's new state -------------------------------------------------------

    public int lcnDisabled(@Variable("lcn") LcnMessage lcn, @Variable("notification") StoredNotification n,
                           @Variable("report") ProcessingReport r) {
        return applyLcn(lcn, n, r, LicenseAction.LCN_DISABLE);
    }

    public int lcnExpired(@Variable("lcn") LcnMessage lcn, @Variable("notification") StoredNotification n,
                          @Variable("report") ProcessingReport r) {
        return applyLcn(lcn, n, r, LicenseAction.LCN_EXPIRE);
    }

    public int lcnPastDue(@Variable("lcn") LcnMessage lcn, @Variable("notification") StoredNotification n,
                          @Variable("report") ProcessingReport r) {
        return applyLcn(lcn, n, r, LicenseAction.LCN_PAST_DUE);
    }

    public int lcnActive(@Variable("lcn") LcnMessage lcn, @Variable("notification") StoredNotification n,
                         @Variable("report") ProcessingReport r) {
        return applyLcn(lcn, n, r, LicenseAction.LCN_ACTIVATE);
    }

    /**
     * One LCN in one transaction: the expiry and auto-renewal flag 2Checkout reports, then the status.
     * A test LCN (TEST=1) never touches a live license.
     */
    int applyLcn(LcnMessage lcn, StoredNotification notification, ProcessingReport report, LicenseAction action) {
        String ref = lcn.getLicenseCode();
        int[] counts = {0, 0, 0, 0}; // found, applicable, status changed, expiry changed
        Long[] connector = {null};
        ledger.tx.execute(status -> {
            List<Map<String, Object>> all = ledger.lockSubscription(notification.getVendorId(), ref);
            counts[0] = all.size();
            List<Map<String, Object>> licenses = all.stream()
                    .filter(l -> !lcn.isTest() || Boolean.TRUE.equals(l.get("test")))
                    .filter(l -> !"REVOKED".equals(l.get("status")))
                    .toList();
            counts[1] = licenses.size();
            for (Map<String, Object> license : licenses) {
                connector[0] = ((Number) license.get("connector_id")).longValue();
                counts[3] += updateExpiry(license, lcn, notification);
            }
            if (action == LicenseAction.LCN_PAST_DUE && ledger.facts != null && !licenses.isEmpty()) {
                ledger.facts.lcnPastDue(lcn.getLine(), licenses, notification);
            }
            counts[2] = ledger.changeStatus(licenses, action, notification);
            return null;
        });
        if (counts[0] == 0) {
            report.park("no license for subscription " + ref + " yet (LCN " + lcn.getState().name().toLowerCase().replace('_', ' ')
                    + "); applied when the subscription's order is licensed");
            return 0;
        }
        if (connector[0] != null) {
            report.productResolved(Map.of("connector_id", connector[0]));
        }
        if (counts[1] == 0) {
            report.ignore(lcn.isTest() ? "test LCN for subscription " + ref + " does not change its live license(s)"
                    : "subscription " + ref + " has only revoked license(s)");
            return 0;
        }
        report.note("subscription " + ref + ": " + action.reason + "; status changed on " + counts[2] + " of " + counts[1]
                + " license(s)" + (counts[3] > 0 ? ", expiry set to " + (lcn.isLifetime() ? "never" : lcn.getExpiresAt())
                + " on " + counts[3] : ""));
        return counts[2];
    }

    private int updateExpiry(Map<String, Object> license, LcnMessage lcn, StoredNotification notification) {
        long id = ((Number) license.get("id")).longValue();
        Timestamp current = (Timestamp) license.get("expires_at");
        Timestamp next = lcn.isLifetime() ? null : lcn.getExpiresAt() == null ? current : Timestamp.from(lcn.getExpiresAt());
        java.time.LocalDate day = lcn.getExpirationDay();
        if (day != null && current != null) {
            // Only the day is known: keep the license's time of day (its expiry from the IPN is exact).
            java.time.OffsetDateTime at = current.toInstant().atOffset(java.time.ZoneOffset.UTC);
            next = Timestamp.from(day.atTime(at.toLocalTime()).toInstant(java.time.ZoneOffset.UTC));
        }
        Boolean recurring = lcn.getRecurring();
        if (recurring != null) {
            ledger.jdbc.update("UPDATE license SET renewing = ?, updated_at = now() WHERE id = ? AND renewing <> ?",
                    recurring, id, recurring);
        }
        if (Objects.equals(current, next)) {
            return 0;
        }
        boolean later = next == null || (current != null && next.after(current));
        String event = later ? "RENEWED" : "EXPIRY_CHANGED";
        String status = (String) license.get("status");
        if (!ledger.event(id, notification.getId(), event, "LCN-EXPIRY:" + notification.getId(), status, status,
                "expiry " + (current == null ? "none" : current.toInstant()) + " -> " + (next == null ? "never" : next.toInstant()))) {
            return 0;
        }
        ledger.jdbc.update("UPDATE license SET expires_at = ?, updated_at = now() WHERE id = ?", next, id);
        return 1;
    }
}
