package io.github.twocheckout.connector.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.SignedPost;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Changed copies of real INS messages. INS signs sale_id, vendor_id and invoice_id only, and every message
 * of a sale carries the same md5_hash, so a copy with any other field changed still verifies: it may
 * never issue more, reach another order, or apply an effect twice.
 */
class InsForgeryTest extends ConnectorTestBase {

    private int licensesOf(String orderRef) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM license WHERE order_ref = ?", Integer.class, orderRef);
    }

    private int events(String orderRef, String event) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM license_event e JOIN license l ON l.id = e.license_id "
                + "WHERE l.order_ref = ? AND e.event = ?", Integer.class, orderRef, event);
    }

    @Test
    void aCopyRetypedWithAnotherOrderMoreUnitsAndAnotherBuyerIssuesNothing() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(order, 1);
        assertThat(licensesOf(order.saleId())).isEqualTo(1);
        String otherOrder = String.valueOf(SignedPost.nextNumber());

        // Same md5_hash, another type, an unsigned order_ref, 5 units, the attacker's address, and a second
        // product the order never had.
        deliver(order.next("FRAUD_STATUS_CHANGED").set("order_ref", otherOrder).set("item_quantity_1", "5")
                .set("customer_email", "mallory@example.com").set("customer_name", "Mallory").set("item_count", "2")
                .set("item_id_2", "ACME-SITE").set("item_name_2", "ACME Site").set("item_type_2", "bill")
                .set("item_quantity_2", "50"), 2);
        assertThat(lastNotification(order.saleId())).containsEntry("status", "PROCESSED");
        assertThat(licensesOf(otherOrder)).isZero();
        assertThat(connector.licenses(order.saleId())).singleElement().satisfies(l -> {
            assertThat(l.get("customer_email")).isEqualTo("zoe@buyer.test");
            assertThat(l.get("status")).isEqualTo("ACTIVE");
        });
    }

    @Test
    void followUpsIssueWhatTheOrdersFirstMessageListedNotWhatTheyCarry() {
        // The order waits for the fraud review; its pass arrives as a copy claiming 5 units and another buyer.
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("fraud_status", "wait");
        deliver(order, 1);
        deliver(order.next("FRAUD_STATUS_CHANGED").set("fraud_status", "pass").set("item_quantity_1", "5")
                .set("customer_email", "mallory@example.com").set("demo", "N"), 2);
        assertThat(connector.licenses(order.saleId())).singleElement()
                .satisfies(l -> assertThat(l.get("customer_email")).isEqualTo("zoe@buyer.test"));
    }

    @Test
    void aRefundCopyCannotReachAnotherOrderNorApplyTwice() {
        InsPost victim = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(victim, 1);
        InsPost attacker = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(attacker, 1);

        // A copy of the attacker's own message, retyped as a refund and pointed at the victim's order.
        deliver(attacker.next("REFUND_ISSUED").set("item_type_1", "refund").set("order_ref", victim.saleId()), 2);
        assertThat(connector.licenses(victim.saleId())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("ACTIVE"));
        assertThat(connector.licenses(attacker.saleId())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));

        // The vendor reinstates the license; copies of the refund with other amounts are the same refund.
        connector.jdbc().update("UPDATE license SET status = 'ACTIVE' WHERE order_ref = ?", attacker.saleId());
        InsPost refund = attacker.next("REFUND_ISSUED").set("item_type_1", "refund");
        for (String amount : List.of("1.00", "2.00", "49.00")) {
            postInsOk(refund.next("REFUND_ISSUED").set("item_list_amount_1", amount).set("item_usd_amount_1", amount));
        }
        awaitSettled(attacker.saleId(), 2);
        assertThat(connector.licenses(attacker.saleId())).singleElement().satisfies(l -> assertThat(l.get("status")).isEqualTo("ACTIVE"));
        assertThat(events(attacker.saleId(), "REVOKED")).isEqualTo(1);
        assertThat(lastNotification(attacker.saleId()).get("duplicates")).isEqualTo(3);
    }

    @Test
    void anInstallmentCopyNeverGivesAPerpetualLicenseAnExpiryNorRenewsWithTheOrdersOwnInvoice() {
        InsPost perpetual = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(perpetual, 1);
        deliver(perpetual.next("RECURRING_INSTALLMENT_SUCCESS").set("invoice_id", perpetual.field("invoice_id") + "7")
                .set("item_recurrence_1", "1 Year"), 2);
        assertThat(connector.licenses(perpetual.saleId()).get(0).get("expires_at")).isNull();
        assertThat(events(perpetual.saleId(), "RENEWED")).isZero();

        InsPost subscription = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription").set("item_recurrence_1", "1 Year");
        deliver(subscription, 1);
        Timestamp expires = (Timestamp) connector.licenses(subscription.saleId()).get(0).get("expires_at");
        // The order's own message retyped as an installment (same invoice), with a longer recurrence.
        deliver(subscription.next("RECURRING_INSTALLMENT_SUCCESS").set("item_recurrence_1", "99 Year"), 2);
        assertThat(lastNotification(subscription.saleId())).containsEntry("status", "IGNORED");
        assertThat(connector.licenses(subscription.saleId()).get(0).get("expires_at")).isEqualTo(expires);

        // A real installment (a new invoice) renews by the order's recurrence, not by what the message says.
        deliver(subscription.next("RECURRING_INSTALLMENT_SUCCESS").set("invoice_id", subscription.field("invoice_id") + "1")
                .set("item_recurrence_1", "99 Year"), 3);
        Timestamp renewed = (Timestamp) connector.licenses(subscription.saleId()).get(0).get("expires_at");
        assertThat(renewed.toInstant().atOffset(java.time.ZoneOffset.UTC))
                .isEqualTo(expires.toInstant().atOffset(java.time.ZoneOffset.UTC).plusYears(1));
    }

    @Test
    void aFollowUpConnectorsInsOnlyConfirmsWhatIpnIssued() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").product("5006", "ACME-FOLLOW", "ACME Follow", 2);
        InsPost ins = InsPost.acme("ORDER_CREATED").item("ACME-FOLLOW", "ACME Follow").set("sale_id", ipn.refno())
                .set("item_quantity_1", "2");
        // INS first: nothing is issued, the message waits for IPN.
        postInsOk(ins);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> "PARKED".equals(lastNotification(ipn.refno()).get("status")));
        assertThat(licensesOf(ipn.refno())).isZero();

        deliverIpn(ipn, 2);
        List<Map<String, Object>> licenses = connector.licenses(ipn.refno());
        assertThat(licenses).hasSize(2);
        assertThat(events(ipn.refno(), "ISSUED")).isEqualTo(2);
        assertThat(events(ipn.refno(), "CONFIRMED")).isEqualTo(2);
        assertThat(connector.notifications(ipn.refno())).allSatisfy(n -> assertThat(n.get("status")).isEqualTo("PROCESSED"));

        // An INS order of this connector that IPN never confirms issues nothing.
        InsPost alone = InsPost.acme("ORDER_CREATED").item("ACME-FOLLOW", "ACME Follow");
        postInsOk(alone);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> "PARKED".equals(lastNotification(alone.saleId()).get("status")));
        assertThat(licensesOf(alone.saleId())).isZero();
    }
}
