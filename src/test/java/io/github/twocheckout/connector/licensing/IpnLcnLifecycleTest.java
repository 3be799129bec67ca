package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.SignedPost;
import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each IPN order status and each LCN state does to licenses, over HTTP, across channels. */
class IpnLcnLifecycleTest extends ConnectorTestBase {

    private static final String CODE = "ACME(-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{5}){5}";

    private static String subscription() {
        return "SUB" + SignedPost.nextNumber();
    }

    private static Instant utc(String dateTime) {
        return OffsetDateTime.parse(dateTime.replace(' ', 'T') + "Z").toInstant();
    }

    private int events(String orderRef, String event) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM license_event e JOIN license l ON l.id = e.license_id "
                + "WHERE l.order_ref = ? AND e.event = ?", Integer.class, orderRef, event);
    }

    private List<Map<String, Object>> bySubscription(String ref) {
        return connector.jdbc().queryForList("SELECT * FROM license WHERE subscription_ref = ? ORDER BY id", ref);
    }

    @Test
    void completeWithFraudApprovedIssuesEveryLineAndEmailsTheVendor() throws Exception {
        String ref = subscription();
        SignedPost ipn = SignedPost.ipn("COMPLETE")
                .product("5001", "ACME-PRO", "ACME Pro – Ünïcode", 3)
                .product("5003", "", "ACME Site License", 2)   // matched by IPN_PID alone, one code per line
                .product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR", "2027-11-21 10:12:30");
        deliverIpn(ipn, 1);
        List<Map<String, Object>> licenses = connector.licenses(ipn.refno());
        assertThat(licenses).hasSize(5).allSatisfy(l -> {
            assertThat((String) l.get("code")).matches(CODE);
            assertThat(l.get("status")).isEqualTo("ACTIVE");
            assertThat(l.get("test")).isEqualTo(false);
            assertThat(l.get("customer_name")).isEqualTo("Zoë Ångström");
        });
        Map<String, Object> sub = licenses.stream().filter(l -> l.get("subscription_ref") != null).findFirst().orElseThrow();
        assertThat(sub.get("subscription_ref")).isEqualTo(ref);
        assertThat(((Timestamp) sub.get("expires_at")).toInstant()).isEqualTo(utc("2027-11-21 10:12:30"));
        assertThat(sub.get("renewing")).isEqualTo(true);
        assertThat(lastNotification(ipn.refno())).containsEntry("status", "PROCESSED");

        MimeMessage mail = awaitMails("order " + ipn.refno(), 1).get(0);
        assertThat(recipients(mail)).contains("acme@vendor.test", "ops@acme.test").doesNotContain("zoe@buyer.test");
        assertThat(text(mail)).contains("ACME Pro x3", (String) licenses.get(0).get("code"));

        // 2Checkout re-sends COMPLETE (a new invoice, a retry): nothing new.
        deliverIpn(ipn.copy(), 1);
        assertThat(connector.licenses(ipn.refno())).hasSize(5);
        assertThat(events(ipn.refno(), "ISSUED")).isEqualTo(5);
    }

    @Test
    void pendingStatusesAreRecordedOnly() {
        for (String status : List.of("PENDING", "PURCHASE_PENDING", "PENDING_APPROVAL", "PAYMENT_RECEIVED", "PENDING_ORDER_APPROVAL", "SUSPECT", "INVALID")) {
            SignedPost ipn = SignedPost.ipn(status).product("5001", "ACME-PRO", "ACME Pro", 1);
            deliverIpn(ipn, 1);
            assertThat(connector.licenses(ipn.refno())).as(status).isEmpty();
            assertThat(lastNotification(ipn.refno())).containsEntry("status", "PROCESSED");
            assertThat((String) lastNotification(ipn.refno()).get("outcome")).contains("order status " + status, "no license change");
        }
        SignedPost odd = SignedPost.ipn("SOMETHING_NEW").product("5001", "ACME-PRO", "ACME Pro", 1);
        deliverIpn(odd, 1);
        assertThat(lastNotification(odd.refno())).containsEntry("status", "IGNORED");
    }

    @Test
    void fraudReviewGatesIssuingAndDenialRevokes() {
        SignedPost review = SignedPost.ipn("COMPLETE").set("FRAUD_STATUS", "UNDER REVIEW").product("5001", "ACME-PRO", "ACME Pro", 1);
        deliverIpn(review, 1);
        assertThat(connector.licenses(review.refno())).isEmpty();
        assertThat((String) lastNotification(review.refno()).get("outcome")).contains("waiting for the fraud review");

        deliverIpn(review.copy().set("FRAUD_STATUS", "APPROVED"), 2);
        assertThat(connector.licenses(review.refno())).hasSize(1);

        deliverIpn(review.copy().set("FRAUD_STATUS", "DENIED"), 3);
        assertThat(connector.licenses(review.refno())).singleElement().satisfies(l -> {
            assertThat(l.get("status")).isEqualTo("REVOKED");
            assertThat(l.get("status_reason")).isEqualTo("fraud review failed");
        });
    }

    @Test
    void paymentAuthorizedIssuesOnlyForConnectorsThatAskForIt() {
        SignedPost ipn = SignedPost.ipn("PAYMENT_AUTHORIZED").set("FRAUD_STATUS", "PENDING")
                .product("5001", "ACME-PRO", "ACME Pro", 1)
                .product("", "TOOLS-1M", "ACME Tools Monthly", 1, subscription(), "REGULAR", "");
        deliverIpn(ipn, 1);
        List<Map<String, Object>> licenses = connector.licenses(ipn.refno());
        // acme-tools issues on PAYMENT_AUTHORIZED and before the fraud review; acme-suite waits for COMPLETE.
        assertThat(licenses).singleElement().satisfies(l -> assertThat(l.get("expires_at")).isNotNull());
        assertThat((String) lastNotification(ipn.refno()).get("outcome")).contains("issues on COMPLETE");

        deliverIpn(ipn.copy().set("ORDERSTATUS", "COMPLETE").set("FRAUD_STATUS", "APPROVED"), 2);
        assertThat(connector.licenses(ipn.refno())).hasSize(2);
    }

    @Test
    void refundReversalAndCancellationApplyEachConnectorsRefundPolicy() {
        SignedPost order = SignedPost.ipn("COMPLETE")
                .product("5001", "ACME-PRO", "ACME Pro", 2)                               // revoke
                .product("", "TOOLS-1M", "ACME Tools Monthly", 1, subscription(), "REGULAR", ""); // suspend
        deliverIpn(order, 1);
        assertThat(connector.licenses(order.refno())).hasSize(3);

        deliverIpn(order.copy().set("ORDERSTATUS", "REFUND"), 2);
        List<Map<String, Object>> after = connector.licenses(order.refno());
        assertThat(after).filteredOn(l -> l.get("quantity").equals(1) && "REVOKED".equals(l.get("status"))).hasSize(2);
        assertThat(after).filteredOn(l -> "SUSPENDED".equals(l.get("status"))).hasSize(1);

        SignedPost reversed = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1);
        deliverIpn(reversed, 1);
        deliverIpn(reversed.copy().set("ORDERSTATUS", "REVERSED"), 2);
        assertThat(connector.licenses(reversed.refno())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));

        SignedPost globex = SignedPost.ipn("GLOBEX", "globex-key", String.valueOf(320_000_000L + SignedPost.nextNumber()), "COMPLETE")
                .product("7001", "GLX-1", "Globex One", 1);
        deliverIpn(globex, 1);
        deliverIpn(globex.copy().set("ORDERSTATUS", "CANCELED"), 2);
        assertThat(connector.licenses(globex.refno())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("ACTIVE"));
        assertThat(events(globex.refno(), "REFUND_NOTED")).isEqualTo(1);
    }

    @Test
    void aRenewalOrderExtendsTheSubscriptionExactlyOnce() {
        String ref = subscription();
        SignedPost order = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR",
                "2027-01-10 12:00:00");
        deliverIpn(order, 1);

        SignedPost renewal = SignedPost.ipn("COMPLETE").set("ORIGINAL_REFNOEXT[]", "ORIG-1")
                .product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "RENEWAL", "2028-01-10 12:00:00");
        deliverIpn(renewal, 1);
        deliverIpn(renewal.copy(), 1);         // re-sent with a new MESSAGE_ID
        postIpn(renewal).then().statusCode(200); // re-sent identically
        awaitSettled(renewal.refno(), 1);

        assertThat(connector.licenses(renewal.refno())).isEmpty(); // a renewal issues nothing new
        assertThat(bySubscription(ref)).singleElement().satisfies(l -> {
            assertThat(((Timestamp) l.get("expires_at")).toInstant()).isEqualTo(utc("2028-01-10 12:00:00"));
            assertThat(l.get("status")).isEqualTo("ACTIVE");
        });
        assertThat(events(order.refno(), "RENEWED")).isEqualTo(1);

        // A renewal without IPN_LICENSE_EXP adds the mapping's duration (P1Y), once.
        SignedPost second = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "RENEWAL", "");
        deliverIpn(second, 1);
        connector.jdbc().update("UPDATE notification SET status = 'RECEIVED' WHERE order_ref = ?", second.refno()); // a replay
        await().atMost(Duration.ofSeconds(30)).until(() -> "PROCESSED".equals(lastNotification(second.refno()).get("status")));
        assertThat(((Timestamp) bySubscription(ref).get(0).get("expires_at")).toInstant()).isEqualTo(utc("2029-01-10 12:00:00"));
        assertThat(events(order.refno(), "RENEWED")).isEqualTo(2);
    }

    @Test
    void ipnAndInsForTheSameOrderYieldOneLicensePerUnit() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 2, subscription(), "REGULAR", "");
        // On the current platform the INS sale_id (signed) is the order's reference, the IPN's REFNO.
        InsPost ins = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_quantity_1", "2")
                .set("sale_id", ipn.refno());
        postInsOk(ins);
        deliverIpn(ipn, 2);
        postInsOk(ins.next("FRAUD_STATUS_CHANGED"));
        awaitSettled(ipn.refno(), 3);
        List<Map<String, Object>> licenses = connector.licenses(ipn.refno());
        assertThat(licenses).hasSize(2).allSatisfy(l -> assertThat(l.get("subscription_ref")).isEqualTo(ipn.get("IPN_LICENSE_REF[]")));
        assertThat(events(ipn.refno(), "ISSUED")).isEqualTo(2);
    }

    @Test
    void aRefundBeforeItsOrderIsParkedThenApplied() {
        SignedPost order = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1);
        deliverIpn(order.copy().set("ORDERSTATUS", "REFUND"), 1);
        assertThat(lastNotification(order.refno())).containsEntry("status", "PARKED");
        assertThat(connector.licenses(order.refno())).isEmpty();

        postIpn(order).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> connector.notifications(order.refno()).stream()
                .allMatch(n -> "PROCESSED".equals(n.get("status"))) && connector.notifications(order.refno()).size() == 2);
        assertThat(connector.licenses(order.refno())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
        // One audit trail: issued, then revoked.
        assertThat(connector.jdbc().queryForList("SELECT e.event FROM license_event e JOIN license l ON l.id = e.license_id "
                + "WHERE l.order_ref = ? ORDER BY e.id", String.class, order.refno())).containsExactly("ISSUED", "REVOKED");
    }

    @Test
    void testOrdersGetTestLicensesOnly() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").set("TEST_ORDER", "1").product("5001", "ACME-PRO", "ACME Pro", 1);
        deliverIpn(ipn, 1);
        assertThat(connector.licenses(ipn.refno())).singleElement().satisfies(l -> {
            assertThat(l.get("test")).isEqualTo(true);
            assertThat((String) l.get("code")).startsWith("TEST-");
        });
    }

    @Test
    void upgradesUpdateInPlaceOrReplaceTheLicensePerMapping() {
        String ref = subscription();
        SignedPost order = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR",
                "2027-03-01 00:00:00");
        deliverIpn(order, 1);
        String code = (String) connector.licenses(order.refno()).get(0).get("code");

        // ACME-SUB-PLUS: update_license. Same code, new product, new expiry.
        SignedPost plus = SignedPost.ipn("COMPLETE").product("5004", "ACME-SUB-PLUS", "ACME Subscription Plus", 1, ref, "REGULAR",
                "2027-06-01 00:00:00");
        deliverIpn(plus, 1);
        deliverIpn(plus.copy(), 1);
        assertThat(connector.licenses(plus.refno())).isEmpty();
        assertThat(bySubscription(ref)).singleElement().satisfies(l -> {
            assertThat(l.get("code")).isEqualTo(code);
            assertThat(((Timestamp) l.get("expires_at")).toInstant()).isEqualTo(utc("2027-06-01 00:00:00"));
            assertThat(connector.jdbc().queryForObject("SELECT product_code FROM product_mapping WHERE id = ?", String.class,
                    l.get("product_mapping_id"))).isEqualTo("ACME-SUB-PLUS");
        });
        assertThat(events(order.refno(), "UPGRADED")).isEqualTo(1);
        // The original order re-sent: still that one license.
        deliverIpn(order.copy(), 1);
        assertThat(bySubscription(ref)).hasSize(1);

        // ACME-SUB-MAX: new_license. A new code; the replaced one is revoked.
        SignedPost max = SignedPost.ipn("COMPLETE").product("5005", "ACME-SUB-MAX", "ACME Subscription Max", 1, ref, "UPGRADE",
                "2027-06-01 00:00:00");
        deliverIpn(max, 1);
        List<Map<String, Object>> all = bySubscription(ref);
        assertThat(all).hasSize(2);
        assertThat(all.get(0)).containsEntry("code", code).containsEntry("status", "REVOKED").containsEntry("status_reason", "replaced by upgrade");
        assertThat(all.get(1)).containsEntry("order_ref", max.refno()).containsEntry("status", "ACTIVE");
    }

    @Test
    void lcnStatesDriveTheSubscriptionsLicenses() {
        String ref = subscription();
        SignedPost order = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR",
                "2027-11-21 00:00:00");
        deliverIpn(order, 1);

        deliverLcn(SignedPost.lcn(ref).set("STATUS", "PASTDUE").set("DISPATCH_REASON", "LICENCE_PASTDUE"), 1);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "PAST_DUE");

        deliverLcn(SignedPost.lcn(ref).set("EXPIRATION_DATE", "2028-11-21"), 2);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "ACTIVE").satisfies(l ->
                assertThat(((Timestamp) l.get("expires_at")).toInstant()).isEqualTo(utc("2028-11-21 00:00:00")));
        assertThat(events(order.refno(), "RENEWED")).isEqualTo(1);

        deliverLcn(SignedPost.lcn(ref).set("EXPIRATION_DATE", "2028-11-21").set("DISABLED", "1").set("RECURRING", "0")
                .set("STATUS", "DISABLED"), 3);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "SUSPENDED").containsEntry("renewing", false);

        deliverLcn(SignedPost.lcn(ref).set("EXPIRATION_DATE", "2028-11-21"), 4);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "ACTIVE");

        // A test LCN never changes a live license.
        deliverLcn(SignedPost.lcn(ref).set("EXPIRATION_DATE", "2028-11-21").set("TEST", "1").set("EXPIRED", "1"), 5);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "ACTIVE");
        assertThat(lcnNotifications(ref).get(4)).containsEntry("status", "IGNORED");

        deliverLcn(SignedPost.lcn(ref).set("EXPIRATION_DATE", "2028-11-21").set("EXPIRED", "1").set("STATUS", "EXPIRED"), 6);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "EXPIRED");

        // Re-sending the same LCN changes nothing and is counted as a duplicate.
        SignedPost expired = SignedPost.lcn(ref).set("EXPIRATION_DATE", "2028-11-21").set("EXPIRED", "1").set("STATUS", "EXPIRED")
                .set("DATE_UPDATED", "2026-11-22 09:00:00");
        deliverLcn(expired, 7);
        postLcn(expired).then().statusCode(200);
        assertThat(lcnNotifications(ref)).hasSize(7);
        assertThat(lcnNotifications(ref).get(6)).containsEntry("duplicates", 1);
    }

    @Test
    void lcnRefundHoldIsNotLiftedBySubscriptionActive() {
        String ref = subscription();
        SignedPost order = SignedPost.ipn("COMPLETE").product("", "TOOLS-1M", "ACME Tools Monthly", 1, ref, "REGULAR", "");
        deliverIpn(order, 1);
        deliverIpn(order.copy().set("ORDERSTATUS", "REFUND"), 2);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "SUSPENDED");
        deliverLcn(SignedPost.lcn(ref), 1);
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "SUSPENDED").containsEntry("status_reason", "refunded");
    }

    @Test
    void anLcnBeforeItsOrderIsParkedThenAppliedAndReportedWhenItWaitsTooLong() throws Exception {
        String ref = subscription();
        deliverLcn(SignedPost.lcn(ref).set("DISABLED", "1"), 1);
        assertThat(lcnNotifications(ref).get(0)).containsEntry("status", "PARKED");

        SignedPost order = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR", "");
        deliverIpn(order, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "PROCESSED".equals(lcnNotifications(ref).get(0).get("status")));
        assertThat(bySubscription(ref).get(0)).containsEntry("status", "SUSPENDED").containsEntry("status_reason", "subscription disabled");

        // A renewal for a subscription that never arrives: parked, and the vendor hears of it once it is old.
        String lost = subscription();
        SignedPost renewal = SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1, lost, "RENEWAL", "");
        deliverIpn(renewal, 1);
        assertThat(lastNotification(renewal.refno())).containsEntry("status", "PARKED");
        connector.jdbc().update("UPDATE notification SET received_at = now() - interval '3 days' WHERE order_ref = ?", renewal.refno());
        MimeMessage mail = awaitMails("still waiting for its order (" + renewal.refno() + ")", 1).get(0);
        assertThat(recipients(mail)).contains("acme@vendor.test");
        assertThat(text(mail)).contains("subscription " + lost);
        assertThat(lastNotification(renewal.refno()).get("parked_reported_at")).isNotNull();
        assertThat(lastNotification(renewal.refno())).containsEntry("status", "PARKED");
    }

    @Test
    void anUnknownProductIsReportedToTheVendor() throws Exception {
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("999999", "NOPE", "Not mapped", 1);
        deliverIpn(ipn, 1);
        assertThat(lastNotification(ipn.refno())).containsEntry("status", "FAILED");
        assertThat((String) lastNotification(ipn.refno()).get("last_error")).contains("unknown product 'NOPE'");
        MimeMessage mail = awaitMails("order " + ipn.refno(), 1).get(0);
        assertThat(recipients(mail)).contains("support@operator.test");
    }
}
