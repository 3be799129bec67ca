package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.model.LicenseAction;
import io.github.twocheckout.connector.model.LineSale;
import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.github.twocheckout.connector.storage.SqlArg.bigint;
import static io.github.twocheckout.connector.storage.SqlArg.numeric;
import static io.github.twocheckout.connector.storage.SqlArg.text;

/**
 * Records the commercial facts of order lines (table order_fact) next to their licenses. The ledgers
 * call it inside the transaction of the license change, so a line's licenses and its facts commit
 * together or not at all (and a dry run rolls both back). Each fact has a key that makes it happen
 * once: a retry, a duplicate or a replay of the same notification records nothing new. Facts are never
 * updated; a refund or chargeback is a negative fact that refers to the line it reverses.
 */
public class OrderFacts {

    private final JdbcTemplate jdbc;

    public OrderFacts(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** A statement and its arguments, for a caller that sends it along with statements of its own. */
    record Insert(String sql, Object[] args) {
    }

    /** A sale of the line (new licenses, confirmed licenses, an upgrade): once per channel and line. */
    void sale(OrderLine line, ProductLicense product, StoredNotification n) {
        run(saleInsert(line, product, n));
    }

    /**
     * The INSERT of {@link #sale}, not run: the license ledger sends it within the statement that issues the
     * line's first license (one round trip less per order line).
     */
    Insert saleInsert(OrderLine line, ProductLicense product, StoredNotification n) {
        // A second line of the same product is a sale of its own (its units follow the first line's).
        String lineKey = "SALE|" + line.getOrderRef() + "|" + product.mappingId()
                + (line.getFirstUnit() > 1 ? "|from-unit-" + line.getFirstUnit() : "");
        return insert("SALE", lineKey, lineKey + "|" + n.getChannel(), line, product, n, 1, null);
    }

    /** A paid renewal: once per channel and payment (the invoice for INS, the renewal order for IPN). */
    void renewal(OrderLine line, ProductLicense product, StoredNotification n, String payment) {
        String lineKey = "RENEWAL|" + line.getOrderRef() + "|" + product.mappingId() + "|" + payment;
        run(insert("RENEWAL", lineKey, lineKey + "|" + n.getChannel(), line, product, n, 1, null));
    }

    /** What a status change of the licenses means commercially: a reversal, a failed renewal, or nothing. */
    void statusChanged(LicenseAction action, OrderLine line, ProductLicense product, StoredNotification n) {
        switch (action) {
            case REVOKE_REFUND, SUSPEND_REFUND, NOTE_REFUND -> reversal(line, product, n);
            case PAST_DUE, SUSPEND_UNPAID -> {
                String key = "RENEWAL_FAILED|" + n.getChannel() + "|" + n.getId() + "|" + line.getSale().lineNo() + "|" + product.mappingId();
                run(insert("RENEWAL_FAILED", key, key, line, product, n, 1, null));
            }
            default -> { }
        }
    }

    /**
     * A refund (IPN REFUND or CANCELED, INS REFUND_ISSUED) or chargeback (IPN REVERSED): a negative fact,
     * once per notification and line, referring to the sale or renewal it reverses. Amounts the message
     * states are taken (as negative values, whatever sign 2Checkout used); missing ones are the original's.
     */
    void reversal(OrderLine line, ProductLicense product, StoredNotification n) {
        String kind = "IPN".equals(n.getChannel()) && "REVERSED".equals(n.getMessageType()) ? "CHARGEBACK" : "REFUND";
        String key = kind + "|" + n.getChannel() + "|" + n.getId() + "|" + line.getSale().lineNo() + "|" + product.mappingId();
        List<Map<String, Object>> originals = jdbc.queryForList("""
                SELECT id, paid_amount, currency, list_amount, list_currency, usd_amount, vat FROM order_fact_view
                WHERE vendor_id = ? AND order_ref = ? AND product_mapping_id = ? AND kind IN ('SALE', 'RENEWAL') AND counted
                ORDER BY (invoice_ref IS NOT DISTINCT FROM ?) DESC, id DESC LIMIT 1""",
                n.getVendorId(), line.getOrderRef(), product.mappingId(), line.getSale().invoiceRef());
        run(insert(kind, key, key, line, product, n, -1, originals.isEmpty() ? null : originals.get(0)));
    }

    /**
     * LCN past due (the subscription's renewal was not paid): a failed renewal, once per LCN, with the
     * amount that was due when 2Checkout sends it (NEXT_RENEWAL_PRICE in NEXT_RENEWAL_CURRENCY).
     */
    void lcnPastDue(OrderLine line, List<Map<String, Object>> licenses, StoredNotification n) {
        Map<String, Object> first = licenses.get(0);
        long mappingId = ((Number) first.get("original_mapping_id")).longValue();
        String key = "RENEWAL_FAILED|LCN|" + n.getId() + "|" + mappingId;
        OrderLine forLicenses = OrderLine.forOrder((String) first.get("order_ref"))
                .product(line.getProductId(), line.getProductCode(), line.getProductName())
                .quantity(licenses.size())
                .subscription(line.getSubscriptionRef(), false, false)
                .test(Boolean.TRUE.equals(first.get("test")))
                .sale(line.getSale())
                .build();
        run(insert("RENEWAL_FAILED", key, key, forLicenses, mappingId, ((Number) first.get("connector_id")).longValue(), null, false,
                n, 1, null));
    }

    private void run(Insert insert) {
        jdbc.update(insert.sql(), insert.args());
    }

    private Insert insert(String kind, String lineKey, String factKey, OrderLine line, ProductLicense product,
                        StoredNotification n, int sign, Map<String, Object> original) {
        return insert(kind, lineKey, factKey, line, product.mappingId(), product.connectorId(), product.productName(),
                product.testingMode(), n, sign, original);
    }

    private Insert insert(String kind, String lineKey, String factKey, OrderLine line, long mappingId, long connectorId,
                        String mappingName, boolean testingMode, StoredNotification n, int sign, Map<String, Object> original) {
        LineSale s = line.getSale();
        BigDecimal paid = s.paidAmount();
        String currency = s.currency();
        BigDecimal list = s.listAmount();
        String listCurrency = s.listCurrency();
        BigDecimal usd = s.usdAmount();
        BigDecimal vat = s.vat();
        if (original != null) {
            if (paid == null) {
                paid = (BigDecimal) original.get("paid_amount");
                currency = (String) original.get("currency");
            }
            if (list == null) {
                list = (BigDecimal) original.get("list_amount");
                listCurrency = (String) original.get("list_currency");
            }
            usd = usd != null ? usd : (BigDecimal) original.get("usd_amount");
            vat = vat != null ? vat : (BigDecimal) original.get("vat");
        }
        return new Insert("""
                INSERT INTO order_fact (vendor_id, connector_id, product_mapping_id, notification_id, channel, kind, line_key,
                                        fact_key, refers_to, order_ref, external_ref, invoice_ref, subscription_ref, line_no,
                                        product_id, product_code, product_name, quantity, unit_price, list_amount,
                                        list_currency, discount, vat, paid_amount, currency, usd_amount, payment_method,
                                        country, test, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        COALESCE(?, (SELECT received_at FROM notification WHERE id = ?), now()))
                ON CONFLICT (vendor_id, fact_key) DO NOTHING""", new Object[] {
                n.getVendorId(), connectorId, mappingId, n.getId(), n.getChannel(), kind, lineKey,
                factKey, bigint(original == null ? null : (Number) original.get("id")), line.getOrderRef(), text(s.externalRef()),
                text(s.invoiceRef()), text(line.getSubscriptionRef()), s.lineNo(), text(line.getProductId()), text(line.getProductCode()),
                text(line.getProductName() != null ? line.getProductName() : mappingName), sign * line.getQuantity(),
                numeric(s.unitPrice() == null ? null : s.unitPrice().abs()), numeric(signed(list, sign)), text(listCurrency),
                numeric(s.discount()), numeric(signed(vat, sign)), numeric(signed(paid, sign)), text(currency),
                numeric(signed(usd, sign)), text(s.paymentMethod()), text(s.country()),
                line.isTest() || testingMode, s.occurredAt() == null ? null : Timestamp.from(s.occurredAt()), n.getId()});
    }

    private static BigDecimal signed(BigDecimal amount, int sign) {
        return amount == null ? null : sign < 0 ? amount.abs().negate() : amount;
    }
}
