package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each of the ten legacy INS message types, posted over HTTP, with its effect on licenses. */
class InsLicenseLifecycleTest extends ConnectorTestBase {

    private static final String CODE = "ACME(-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{5}){5}";

    @Test
    void orderCreatedWithFraudPassIssuesOneCodePerUnitAndEmailsTheVendor() throws Exception {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("item_quantity_1", "2");
        postInsOk(order).then().body(org.hamcrest.Matchers.equalTo("OK"));

        awaitSettled(order.saleId(), 1);
        List<Map<String, Object>> licenses = connector.licenses(order.saleId());
        assertThat(licenses).hasSize(2);
        assertThat(licenses).allSatisfy(l -> {
            assertThat((String) l.get("code")).matches(CODE);
            assertThat(l.get("status")).isEqualTo("ACTIVE");
            assertThat(l.get("test")).isEqualTo(false);
            assertThat(l.get("expires_at")).isNull();
            assertThat(l.get("customer_email")).isEqualTo("zoe@buyer.test");
        });
        assertThat(lastNotification(order.saleId())).containsEntry("status", "PROCESSED");
        assertThat(connector.jdbc().queryForObject("SELECT count(*) FROM license_event e JOIN license l ON l.id = e.license_id "
                + "WHERE l.order_ref = ? AND e.event = 'ISSUED'", Integer.class, order.saleId())).isEqualTo(2);

        connector.api().get("/api/licenses?order=" + order.saleId()).then().statusCode(200)
                .body("$", hasSize(2)).body("[0].code", startsWith("ACME-")).body("[0].status", org.hamcrest.Matchers.equalTo("ACTIVE"))
                .body("[0].product", org.hamcrest.Matchers.equalTo("ACME Pro"));

        MimeMessage mail = awaitMails("order " + order.saleId(), 1).get(0);
        assertThat(recipients(mail)).contains("acme@vendor.test", "ops@acme.test").doesNotContain("zoe@buyer.test");
        assertThat(text(mail)).contains((String) licenses.get(0).get("code"), (String) licenses.get(1).get("code"), "ACME Pro x2");
    }

    @Test
    void fraudReviewDecidesWhenLicensesAreIssuedAndFailureRevokes() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("fraud_status", "wait");
        deliver(order, 1);
        assertThat(connector.licenses(order.saleId())).isEmpty();
        assertThat((String) lastNotification(order.saleId()).get("outcome")).contains("waiting for the fraud review");

        deliver(order.next("FRAUD_STATUS_CHANGED").set("fraud_status", "pass"), 2);
        assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("ACTIVE"));

        deliver(order.next("FRAUD_STATUS_CHANGED").set("fraud_status", "fail"), 3);
        assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
    }

    @Test
    void connectorMayIssueBeforeTheFraudReviewAndSubscriptionsGetAnExpiry() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("TOOLS-1M", "ACME Tools").set("fraud_status", "wait")
                .set("item_recurrence_1", "1 Month");
        deliver(order, 1);
        Map<String, Object> license = connector.licenses(order.saleId()).get(0);
        assertThat(license.get("status")).isEqualTo("ACTIVE");
        assertThat(license.get("renewing")).isEqualTo(true);
        OffsetDateTime expires = ((Timestamp) license.get("expires_at")).toInstant().atOffset(ZoneOffset.UTC);
        assertThat(expires).isBetween(OffsetDateTime.now(ZoneOffset.UTC).plusDays(27), OffsetDateTime.now(ZoneOffset.UTC).plusDays(32));
        // acme-tools does not ask for success emails
        assertThat(mailsAbout("order " + order.saleId())).isEmpty();
    }

    @Test
    void invoiceStatusIsRecordedAndADeclinedInvoiceRevokes() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(order, 1);
        deliver(order.next("INVOICE_STATUS_CHANGED").set("invoice_status", "deposited"), 2);
        assertThat((String) lastNotification(order.saleId()).get("outcome")).contains("invoice status deposited recorded");
        assertThat(connector.licenses(order.saleId()).get(0).get("status")).isEqualTo("ACTIVE");

        deliver(order.next("INVOICE_STATUS_CHANGED").set("invoice_status", "declined"), 3);
        assertThat(connector.licenses(order.saleId()).get(0).get("status")).isEqualTo("REVOKED");
    }

    @Test
    void refundAppliesTheConnectorsPolicy() {
        InsPost revoke = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        InsPost suspend = InsPost.acme("ORDER_CREATED").item("TOOLS-1M", "ACME Tools");
        InsPost notify = InsPost.vendor("ORDER_CREATED", "2002", "globex-word").item("GLX-1", "Globex One");
        for (InsPost order : List.of(revoke, suspend, notify)) {
            deliver(order, 1);
            deliver(order.next("REFUND_ISSUED").set("item_type_1", "refund"), 2);
        }
        assertThat(connector.licenses(revoke.saleId()).get(0).get("status")).isEqualTo("REVOKED");
        assertThat(connector.licenses(suspend.saleId()).get(0).get("status")).isEqualTo("SUSPENDED");
        assertThat(connector.licenses(notify.saleId()).get(0).get("status")).isEqualTo("ACTIVE");
        assertThat(connector.jdbc().queryForList("SELECT e.event FROM license_event e JOIN license l ON l.id = e.license_id "
                + "WHERE l.order_ref = ? ORDER BY e.id", String.class, notify.saleId())).containsExactly("ISSUED", "REFUND_NOTED");
    }

    @Test
    void recurringSuccessExtendsTheSubscriptionOncePerInvoice() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription").set("item_recurrence_1", "1 Year");
        deliver(order, 1);
        Timestamp first = (Timestamp) connector.licenses(order.saleId()).get(0).get("expires_at");

        InsPost renewal = order.next("RECURRING_INSTALLMENT_SUCCESS").set("invoice_id", order.field("invoice_id") + "1");
        postInsOk(renewal);
        awaitSettled(order.saleId(), 2);
        Timestamp renewed = (Timestamp) connector.licenses(order.saleId()).get(0).get("expires_at");
        assertThat(renewed.toInstant().atOffset(ZoneOffset.UTC))
                .isEqualTo(first.toInstant().atOffset(ZoneOffset.UTC).plusYears(1));

        // 2Checkout re-sends the same installment (identical but for timestamp and message id)
        postInsOk(renewal.next("RECURRING_INSTALLMENT_SUCCESS").set("timestamp", "2026-11-22 10:00:00 EST"));
        // and an operator replays the processed notification
        long id = ((Number) lastNotification(order.saleId()).get("id")).longValue();
        connector.api().post("/api/notifications/" + id + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(order.saleId()).get("status"))
                && ((Number) lastNotification(order.saleId()).get("attempts")).intValue() == 2);
        assertThat(connector.notifications(order.saleId())).hasSize(2);
        assertThat(lastNotification(order.saleId()).get("duplicates")).isEqualTo(1);
        assertThat(connector.licenses(order.saleId()).get(0).get("expires_at")).isEqualTo(renewed);
    }

    @Test
    void failedInstallmentMarksPastDueOrSuspendsAndRestartReinstates() {
        InsPost pastDue = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription");
        InsPost suspended = InsPost.acme("ORDER_CREATED").item("TOOLS-1M", "ACME Tools");
        for (InsPost order : List.of(pastDue, suspended)) {
            deliver(order, 1);
            deliver(order.next("RECURRING_INSTALLMENT_FAILED"), 2);
        }
        assertThat(connector.licenses(pastDue.saleId()).get(0).get("status")).isEqualTo("PAST_DUE");
        assertThat(connector.licenses(suspended.saleId()).get(0).get("status")).isEqualTo("SUSPENDED");

        deliver(pastDue.next("RECURRING_RESTARTED"), 3);
        assertThat(connector.licenses(pastDue.saleId()).get(0).get("status")).isEqualTo("ACTIVE");
    }

    @Test
    void recurringStoppedKeepsUntilExpiryOrRevokesAndCompleteEndsRenewals() {
        InsPost keep = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription");
        InsPost revoke = InsPost.acme("ORDER_CREATED").item("TOOLS-1M", "ACME Tools");
        for (InsPost order : List.of(keep, revoke)) {
            deliver(order, 1);
            deliver(order.next("RECURRING_STOPPED"), 2);
        }
        Map<String, Object> kept = connector.licenses(keep.saleId()).get(0);
        assertThat(kept.get("status")).isEqualTo("ACTIVE");
        assertThat(kept.get("renewing")).isEqualTo(false);
        assertThat(connector.licenses(revoke.saleId()).get(0).get("status")).isEqualTo("REVOKED");

        // billing restarted: a license revoked because billing stopped comes back
        deliver(revoke.next("RECURRING_RESTARTED"), 3);
        assertThat(connector.licenses(revoke.saleId()).get(0).get("status")).isEqualTo("ACTIVE");

        InsPost complete = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription");
        deliver(complete, 1);
        deliver(complete.next("RECURRING_COMPLETE"), 2);
        Map<String, Object> completed = connector.licenses(complete.saleId()).get(0);
        assertThat(completed.get("status")).isEqualTo("ACTIVE");
        assertThat(completed.get("renewing")).isEqualTo(false);
        assertThat((String) lastNotification(complete.saleId()).get("outcome")).contains("billing schedule complete");
    }

    @Test
    void shipStatusIsRecordedAndUnknownTypesAreIgnored() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        deliver(order, 1);
        deliver(order.next("SHIP_STATUS_CHANGED").set("ship_status", "shipped"), 2);
        assertThat(lastNotification(order.saleId())).containsEntry("status", "PROCESSED");
        assertThat((String) lastNotification(order.saleId()).get("outcome")).contains("shipping status recorded: shipped");

        deliver(order.next("PRODUCT_CATALOGUE_UPDATED"), 3);
        assertThat(lastNotification(order.saleId())).containsEntry("status", "IGNORED");
        assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("ACTIVE"));
    }

    @Test
    void demoSalesAndTestingConnectorsIssueTestLicensesOnly() {
        InsPost demo = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("demo", "Y");
        InsPost testing = InsPost.acme("ORDER_CREATED").item("BETA-1", "ACME Beta");
        postInsOk(demo);
        postInsOk(testing);
        awaitSettled(demo.saleId(), 1);
        awaitSettled(testing.saleId(), 1);
        for (InsPost order : List.of(demo, testing)) {
            assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> {
                assertThat(l.get("test")).isEqualTo(true);
                assertThat((String) l.get("code")).startsWith("TEST-");
            });
        }
        assertThat(awaitMails("order " + testing.saleId() + " [TEST]", 1)).hasSize(1);
    }

    @Test
    void perLineModeIssuesOneCodeForTheWholeLine() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-SITE", "ACME Site").set("item_quantity_1", "5");
        deliver(order, 1);
        assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> {
            assertThat(l.get("unit_no")).isEqualTo(0);
            assertThat(l.get("quantity")).isEqualTo(5);
        });
    }

    @Test
    void aRefundThatArrivesBeforeItsOrderIsParkedThenApplied() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        InsPost refund = order.next("REFUND_ISSUED").set("item_type_1", "refund");
        postInsOk(refund);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PARKED".equals(lastNotification(order.saleId()).get("status")));
        assertThat(connector.licenses(order.saleId())).isEmpty();

        postInsOk(order);
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.notifications(order.saleId()).stream()
                .allMatch(n -> "PROCESSED".equals(n.get("status"))) && !connector.licenses(order.saleId()).isEmpty());
        assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
    }

    @Test
    void aParkedRefundIsAppliedByTheRecoveryPollerWhenItsOrderGotLicensesMeanwhile() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        postInsOk(order.next("REFUND_ISSUED").set("item_type_1", "refund"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "PARKED".equals(lastNotification(order.saleId()).get("status")));
        // The order's license appears without passing through the release step (as when the park
        // committed after the issuing run had already released the order's parked rows).
        connector.jdbc().update("""
                INSERT INTO license (code, vendor_id, connector_id, product_mapping_id, original_mapping_id, order_ref, unit_no,
                                     status, test)
                SELECT 'RACE-' || ?, m.vendor_id, m.connector_id, m.id, m.id, ?, 1, 'ACTIVE', false
                FROM product_mapping m WHERE m.product_code = 'ACME-PRO'""", order.saleId(), order.saleId());
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(order.saleId()).get("status")));
        assertThat(connector.licenses(order.saleId())).hasSize(1).allSatisfy(l -> assertThat(l.get("status")).isEqualTo("REVOKED"));
    }
}
