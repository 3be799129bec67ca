package io.github.twocheckout.connector.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.SignedPost;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The commercial facts of each order line, recorded from every channel with the exact amounts and
 * currencies posted, once whatever the retries and replays, and refunds and chargebacks as negative
 * facts against the line they reverse.
 */
public class OrderFactsTest extends ConnectorTestBase {

    /** Adds one product line with its prices to every IPN_* array. */
    public static SignedPost line(SignedPost ipn, String pid, String pcode, String name, int qty, String price, String discount,
                           String vat, String total, String licenseRef, String licenseType, String exp) {
        ipn.add("IPN_PID[]", pid).add("IPN_PNAME[]", name).add("IPN_PCODE[]", pcode).add("IPN_QTY[]", String.valueOf(qty))
                .add("IPN_PRICE[]", price).add("IPN_DISCOUNT[]", discount).add("IPN_VAT[]", vat).add("IPN_VAT_RATE[]", "19")
                .add("IPN_LICENSE_PROD[]", pid).add("IPN_LICENSE_TYPE[]", licenseType).add("IPN_LICENSE_REF[]", licenseRef)
                .add("IPN_LICENSE_EXP[]", exp).add("IPN_LICENSE_LIFETIME[]", "NO").add("IPN_TOTAL[]", total);
        return ipn;
    }

    private List<Map<String, Object>> facts(String orderRef) {
        return connector.jdbc().queryForList("SELECT * FROM order_fact_view WHERE order_ref = ? ORDER BY id", orderRef);
    }

    private List<Map<String, Object>> facts(String orderRef, String kind) {
        return facts(orderRef).stream().filter(f -> kind.equals(f.get("kind"))).toList();
    }

    private static BigDecimal dec(Object v) {
        return (BigDecimal) v;
    }

    private static void money(Object actual, String expected) {
        assertThat(dec(actual)).isEqualByComparingTo(expected);
    }

    @Test
    void ipnMultiProductOrderRecordsPricesVatDiscountAndCurrencyOnce() {
        String ref = "SUB" + SignedPost.nextNumber();
        SignedPost ipn = SignedPost.ipn("COMPLETE").set("CURRENCY", "EUR").set("PAYMETHOD", "Visa/MasterCard")
                .set("COUNTRY", "Germany").set("COUNTRY_CODE", "de").set("REFNOEXT", "EXT-42").set("IPN_DATE", "20260415103000")
                .set("TIMEZONE_OFFSET", "GMT+02:00");
        line(ipn, "5001", "ACME-PRO", "ACME Pro, Édition «Spéciale»", 3, "40.00", "5.00", "21.85", "136.85", "", "REGULAR", "");
        line(ipn, "5002", "ACME-SUB", "ACME Subscription", 1, "99.90", "0", "18.98", "118.88", ref, "REGULAR", "2027-04-15 10:30:00");
        deliverIpn(ipn, 1);

        List<Map<String, Object>> sales = facts(ipn.refno());
        assertThat(sales).hasSize(2).allSatisfy(f -> {
            assertThat(f).containsEntry("kind", "SALE").containsEntry("channel", "IPN").containsEntry("currency", "EUR")
                    .containsEntry("list_currency", "EUR").containsEntry("payment_method", "Visa/MasterCard")
                    .containsEntry("country", "DE").containsEntry("external_ref", "EXT-42").containsEntry("test", false)
                    .containsEntry("counted", true);
            assertThat(((Timestamp) f.get("occurred_at")).toInstant()).isEqualTo(Instant.parse("2026-04-15T08:30:00Z"));
        });
        Map<String, Object> pro = sales.get(0);
        assertThat(pro).containsEntry("product_code", "ACME-PRO").containsEntry("product_name", "ACME Pro, Édition «Spéciale»")
                .containsEntry("quantity", 3).containsEntry("line_no", 1);
        money(pro.get("unit_price"), "40.00");
        money(pro.get("discount"), "5.00");
        money(pro.get("vat"), "21.85");
        money(pro.get("paid_amount"), "136.85");
        assertThat(dec(pro.get("paid_amount")).toPlainString()).isEqualTo("136.85"); // exactly as posted
        Map<String, Object> sub = sales.get(1);
        assertThat(sub).containsEntry("product_code", "ACME-SUB").containsEntry("subscription_ref", ref).containsEntry("quantity", 1);
        money(sub.get("unit_price"), "99.90");
        money(sub.get("vat"), "18.98");
        money(sub.get("paid_amount"), "118.88");
        // The facts sit next to the licenses: same vendor, order and product line.
        assertThat(connector.jdbc().queryForObject("""
                SELECT count(*) FROM license l JOIN order_fact f ON f.vendor_id = l.vendor_id AND f.order_ref = l.order_ref
                  AND f.product_mapping_id = l.original_mapping_id WHERE f.order_ref = ?""", Integer.class, ipn.refno())).isEqualTo(4);

        // A re-send under a new MESSAGE_ID, an identical re-send and a replay record nothing new.
        deliverIpn(ipn.copy(), 1);
        postIpn(ipn).then().statusCode(200);
        long id = ((Number) lastNotification(ipn.refno()).get("id")).longValue();
        connector.api().post("/api/notifications/" + id + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(ipn.refno()).get("status"))
                && ((Number) lastNotification(ipn.refno()).get("attempts")).intValue() == 2);
        assertThat(facts(ipn.refno())).hasSize(2);

        // A partial refund of the first line: a negative fact referring to it; the sale is untouched.
        SignedPost refund = SignedPost.ipn("ACME", "acme-key-2026", ipn.refno(), "REFUND").set("CURRENCY", "EUR")
                .set("IPN_DATE", "20260420090000");
        line(refund, "5001", "ACME-PRO", "ACME Pro, Édition «Spéciale»", 3, "-40.00", "0", "-21.85", "-136.85", "", "REGULAR", "");
        deliverIpn(refund, 2);
        assertThat(facts(ipn.refno(), "REFUND")).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("refers_to", pro.get("id")).containsEntry("quantity", -3).containsEntry("currency", "EUR")
                    .containsEntry("channel", "IPN");
            money(f.get("paid_amount"), "-136.85");
            money(f.get("vat"), "-21.85");
        });
        assertThat(facts(ipn.refno(), "SALE")).hasSize(2).first().satisfies(f -> money(f.get("paid_amount"), "136.85"));
        assertThat(connector.jdbc().queryForObject("SELECT sum(paid_amount) FROM order_fact WHERE order_ref = ? AND product_code = 'ACME-PRO'",
                BigDecimal.class, ipn.refno())).isEqualByComparingTo("0");
    }

    @Test
    void aChargebackWithoutAmountsReversesTheOriginalAmounts() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").set("CURRENCY", "USD").set("PAYMETHOD", "PayPal").set("COUNTRY_CODE", "US");
        line(ipn, "5001", "ACME-PRO", "ACME Pro", 1, "10.00", "0", "2.10", "12.10", "", "REGULAR", "");
        deliverIpn(ipn, 1);
        // IPN REVERSED (a chargeback), with the IPN settings sending no prices
        SignedPost reversed = SignedPost.ipn("ACME", "acme-key-2026", ipn.refno(), "REVERSED").product("5001", "ACME-PRO", "ACME Pro", 1)
                .remove("IPN_PRICE[]").remove("IPN_TOTAL[]").remove("CURRENCY");
        deliverIpn(reversed, 2);
        Map<String, Object> sale = facts(ipn.refno(), "SALE").get(0);
        assertThat(facts(ipn.refno(), "CHARGEBACK")).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("refers_to", sale.get("id")).containsEntry("currency", "USD").containsEntry("quantity", -1);
            money(f.get("paid_amount"), "-12.10");
            money(f.get("vat"), "-2.10");
        });
        assertThat(facts(ipn.refno(), "REFUND")).isEmpty();
    }

    @Test
    void insOrderRecordsListCustomerAndUsdAmountsAndARefundIsNegative() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("list_currency", "EUR")
                .set("cust_currency", "GBP").set("item_list_amount_1", "45.00").set("item_cust_amount_1", "39.20")
                .set("item_usd_amount_1", "48.60").set("bill_country", "GBR").set("payment_type", "paypal ec")
                .set("vendor_order_id", "V-77").set("timestamp", "2026-05-10 09:30:00 EST");
        deliver(order, 1);
        deliver(order.next("FRAUD_STATUS_CHANGED").set("fraud_status", "pass"), 2); // issues again: no second fact
        assertThat(facts(order.saleId())).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("kind", "SALE").containsEntry("channel", "INS").containsEntry("list_currency", "EUR")
                    .containsEntry("currency", "GBP").containsEntry("country", "GBR").containsEntry("payment_method", "paypal ec")
                    .containsEntry("external_ref", "V-77").containsEntry("invoice_ref", order.field("invoice_id"))
                    .containsEntry("product_name", "ACME Pro").containsEntry("quantity", 1).containsEntry("test", false);
            money(f.get("list_amount"), "45.00");
            money(f.get("paid_amount"), "39.20");
            money(f.get("usd_amount"), "48.60");
            assertThat(((Timestamp) f.get("occurred_at")).toInstant()).isEqualTo(Instant.parse("2026-05-10T14:30:00Z"));
        });
        Object saleId = facts(order.saleId()).get(0).get("id");

        deliver(order.next("REFUND_ISSUED").set("item_type_1", "refund"), 3);
        assertThat(facts(order.saleId(), "REFUND")).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("refers_to", saleId).containsEntry("quantity", -1).containsEntry("currency", "GBP");
            money(f.get("paid_amount"), "-39.20");
            money(f.get("usd_amount"), "-48.60");
            money(f.get("list_amount"), "-45.00");
        });
    }

    @Test
    void insRenewalsAreRecordedOncePerInvoiceAndFailedRenewalsToo() {
        InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription").set("item_recurrence_1", "1 Year")
                .set("item_list_amount_1", "20.00").set("item_usd_amount_1", "21.50");
        deliver(order, 1);
        InsPost renewal = order.next("RECURRING_INSTALLMENT_SUCCESS").set("invoice_id", order.field("invoice_id") + "1")
                .set("item_list_amount_1", "22.00").set("item_usd_amount_1", "23.65");
        deliver(renewal, 2);
        // re-sent identically but for timestamp and message id: a duplicate, nothing new
        postInsOk(renewal.next("RECURRING_INSTALLMENT_SUCCESS").set("timestamp", "2026-11-22 10:00:00 EST"));
        awaitSettled(order.saleId(), 2);
        assertThat(facts(order.saleId(), "RENEWAL")).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("invoice_ref", renewal.field("invoice_id")).containsEntry("currency", "USD");
            money(f.get("paid_amount"), "22.00");
            money(f.get("usd_amount"), "23.65");
        });
        deliver(order.next("RECURRING_INSTALLMENT_FAILED").set("invoice_id", order.field("invoice_id") + "2"), 3);
        assertThat(facts(order.saleId(), "RENEWAL_FAILED")).singleElement()
                .satisfies(f -> assertThat(f).containsEntry("quantity", 1).containsEntry("channel", "INS"));
        assertThat(facts(order.saleId(), "SALE")).hasSize(1);
    }

    @Test
    void ipnRenewalOrderIsARenewalFactOfTheSubscription() {
        String ref = "SUB" + SignedPost.nextNumber();
        SignedPost order = SignedPost.ipn("COMPLETE");
        line(order, "5002", "ACME-SUB", "ACME Subscription", 1, "99.00", "0", "0", "99.00", ref, "REGULAR", "2027-01-10 12:00:00");
        deliverIpn(order, 1);
        SignedPost renewal = SignedPost.ipn("COMPLETE").set("ORIGINAL_REFNOEXT[]", "ORIG-1").set("CURRENCY", "CHF");
        line(renewal, "5002", "ACME-SUB", "ACME Subscription", 1, "89.00", "10.00", "6.85", "85.85", ref, "RENEWAL", "2028-01-10 12:00:00");
        deliverIpn(renewal, 1);
        deliverIpn(renewal.copy(), 1);
        assertThat(facts(renewal.refno())).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("kind", "RENEWAL").containsEntry("subscription_ref", ref).containsEntry("currency", "CHF");
            money(f.get("paid_amount"), "85.85");
            money(f.get("discount"), "10.00");
        });
        assertThat(facts(order.refno())).singleElement().satisfies(f -> assertThat(f).containsEntry("kind", "SALE"));
    }

    @Test
    void anLcnPastDueIsAFailedRenewalWithTheAmountThatWasDue() {
        String ref = "SUB" + SignedPost.nextNumber();
        SignedPost order = SignedPost.ipn("COMPLETE");
        line(order, "5002", "ACME-SUB", "ACME Subscription", 1, "99.00", "0", "0", "99.00", ref, "REGULAR", "2027-01-10 12:00:00");
        deliverIpn(order, 1);
        SignedPost pastDue = SignedPost.lcn(ref).set("STATUS", "PASTDUE").set("DISPATCH_REASON", "LICENCE_PASTDUE")
                .set("EXPIRATION_DATE", "2027-01-10").set("NEXT_RENEWAL_PRICE", "99.00").set("NEXT_RENEWAL_CURRENCY", "eur")
                .set("DATE_UPDATED", "2027-01-11 08:00:00");
        deliverLcn(pastDue, 1);
        deliverLcn(pastDue.copy(), 1); // the same state re-sent: a duplicate
        assertThat(facts(order.refno(), "RENEWAL_FAILED")).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("channel", "LCN").containsEntry("subscription_ref", ref).containsEntry("currency", "EUR")
                    .containsEntry("quantity", 1);
            money(f.get("paid_amount"), "99.00");
            assertThat(((Timestamp) f.get("occurred_at")).toInstant()).isEqualTo(Instant.parse("2027-01-11T08:00:00Z"));
        });
        assertThat(connector.licenses(order.refno()).get(0).get("status")).isEqualTo("PAST_DUE");
    }

    @Test
    void keygenLineIsRecordedAndTheIpnOfTheSameOrderIsTheOneThatCounts() {
        SignedPost call = SignedPost.keygen("5001", "ACME-PRO", 2);
        postKeygen(call).then().statusCode(200);
        postKeygen(call).then().statusCode(200); // asked again: the same codes, no second fact
        assertThat(facts(call.refno())).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("kind", "SALE").containsEntry("channel", "KEYGEN").containsEntry("quantity", 2)
                    .containsEntry("product_name", "Prödukt ACME-PRO").containsEntry("counted", true).containsEntry("test", false);
            assertThat(f.get("paid_amount")).isNull();
        });

        SignedPost ipn = SignedPost.ipn("ACME", "acme-key-2026", call.refno(), "COMPLETE").set("CURRENCY", "EUR");
        line(ipn, "5001", "ACME-PRO", "ACME Pro", 2, "25.00", "0", "9.50", "59.50", "", "REGULAR", "");
        deliverIpn(ipn, 3); // two key-generator calls and the IPN
        List<Map<String, Object>> facts = facts(call.refno());
        assertThat(facts).hasSize(2);
        assertThat(facts).filteredOn(f -> Boolean.TRUE.equals(f.get("counted"))).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("channel", "IPN");
            money(f.get("paid_amount"), "59.50");
        });
        assertThat(connector.licenses(call.refno())).hasSize(2);
    }

    @Test
    void testOrdersAreFlaggedAndFactsAreNeverEdited() {
        SignedPost ipn = SignedPost.ipn("COMPLETE").set("TEST_ORDER", "1");
        line(ipn, "5001", "ACME-PRO", "ACME Pro", 1, "1.00", "0", "0", "1.00", "", "REGULAR", "");
        deliverIpn(ipn, 1);
        assertThat(facts(ipn.refno())).singleElement().satisfies(f -> assertThat(f).containsEntry("test", true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connector.jdbc()
                        .update("UPDATE order_fact SET paid_amount = 0 WHERE order_ref = ?", ipn.refno()))
                .hasMessageContaining("never edited");
    }
}
