package io.github.twocheckout.connector.protocol;

import static io.github.twocheckout.connector.protocol.Fields.nz;
import static io.github.twocheckout.connector.protocol.Fields.sha256;
import static io.github.twocheckout.connector.protocol.Fields.trim;
import static io.github.twocheckout.connector.protocol.Fields.upper;

import io.github.twocheckout.connector.model.LineSale;
import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.OrderLine;
import java.util.ArrayList;
import java.util.List;

/**
 * An IPN (order event) as the connector reads it. Field names per 2checkout-protocols.md section 2.2;
 * product fields are index-aligned arrays. Business logic keys on ORDERSTATUS and FRAUD_STATUS, never
 * on MESSAGE_TYPE, whose values depend on the payment method.
 */
public final class IpnMessage implements SignedNotification {

    private final SignedForm form;
    private final List<OrderLine> lines;

    private IpnMessage(SignedForm form) {
        this.form = form;
        this.lines = readLines();
    }

    public static IpnMessage parse(String raw) {
        SignedForm form = SignedForm.parse(raw);
        List<String> missing = new ArrayList<>();
        for (String name : List.of("REFNO", "ORDERSTATUS")) {
            if (form.get(name) == null || form.get(name).isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new MalformedNotificationException("missing required field(s): " + String.join(", ", missing));
        }
        return new IpnMessage(form);
    }

    private List<OrderLine> readLines() {
        List<String> ids = form.array("IPN_PID");
        List<String> codes = form.array("IPN_PCODE");
        int count = Math.max(ids.size(), codes.size());
        if (count > 1000) {
            throw new MalformedNotificationException("more than 1000 product lines");
        }
        boolean renewalOrder = form.array("ORIGINAL_REFNOEXT").stream().anyMatch(v -> !v.isBlank());
        List<OrderLine> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = form.element("IPN_PID", i);
            String code = form.element("IPN_PCODE", i);
            if ((id == null || id.isBlank()) && (code == null || code.isBlank())) {
                throw new MalformedNotificationException("product line " + i + " has neither IPN_PID nor IPN_PCODE");
            }
            String type = upper(form.element("IPN_LICENSE_TYPE", i));
            String exp = form.element("IPN_LICENSE_EXP", i);
            boolean lifetime = "YES".equalsIgnoreCase(trim(form.element("IPN_LICENSE_LIFETIME", i)))
                    || TwoCheckoutDates.isLifetime(exp);
            out.add(OrderLine.forOrder(getOrderRef())
                    .invoice(getOrderRef())
                    .product(id, code, form.element("IPN_PNAME", i))
                    .quantity(Fields.quantity(form.element("IPN_QTY", i), "IPN_QTY[" + i + "]"))
                    .customer(getCustomerName(), form.get("CUSTOMEREMAIL"))
                    .test(isTest())
                    .subscription(form.element("IPN_LICENSE_REF", i), "RENEWAL".equals(type) || (renewalOrder && !"UPGRADE".equals(type)),
                            "UPGRADE".equals(type))
                    .expires(lifetime ? null : TwoCheckoutDates.expiry(exp, form.get("TIMEZONE_OFFSET")), lifetime)
                    .sale(sale(i))
                    .build());
        }
        return OrderLine.numberedAcrossLines(out);
    }

    /**
     * Line i's commercial facts as posted: IPN_PRICE[] (unit price), IPN_DISCOUNT[], IPN_VAT[] and
     * IPN_TOTAL[] (what the line cost the buyer) in CURRENCY; PAYMETHOD, COUNTRY_CODE (else COUNTRY),
     * REFNOEXT, and IPN_DATE in TIMEZONE_OFFSET as the time of the event.
     */
    private LineSale sale(int i) {
        String currency = LineSale.code(form.get("CURRENCY"));
        String method = LineSale.text(form.get("PAYMETHOD"));
        String country = LineSale.code(form.get("COUNTRY_CODE"));
        return new LineSale(i + 1, LineSale.amount(form.element("IPN_PRICE", i)), null, currency,
                LineSale.amount(form.element("IPN_DISCOUNT", i)), LineSale.amount(form.element("IPN_VAT", i)),
                LineSale.amount(form.element("IPN_TOTAL", i)), currency, null,
                method != null ? method : LineSale.text(form.get("PAYMETHOD_CODE")),
                country != null ? country : LineSale.text(form.get("COUNTRY")),
                LineSale.text(form.get("REFNOEXT")), null,
                TwoCheckoutDates.compact(form.get("IPN_DATE"), form.get("TIMEZONE_OFFSET")));
    }

    @Override
    public String channel() {
        return "IPN";
    }

    @Override
    public SignedForm form() {
        return form;
    }

    @Override
    public String merchantCode() {
        String code = trim(form.get("VENDOR_CODE"));
        return code == null || code.isEmpty() ? null : code;
    }

    @Override
    public String messageId() {
        String id = trim(form.get("MESSAGE_ID"));
        return id == null || id.isEmpty() ? null : id;
    }

    @Override
    public String messageType() {
        return getOrderStatus();
    }

    @Override
    public String orderRef() {
        return getOrderRef();
    }

    public String getOrderRef() {
        return form.get("REFNO").trim();
    }

    /** ORDERSTATUS, upper case: COMPLETE, PAYMENT_AUTHORIZED, REFUND, REVERSED, CANCELED, PENDING, ... */
    public String getOrderStatus() {
        return upper(form.get("ORDERSTATUS"));
    }

    /** FRAUD_STATUS, upper case: APPROVED, DENIED, UNDER REVIEW, PENDING, or empty. */
    public String getFraudStatus() {
        String s = upper(form.get("FRAUD_STATUS"));
        return s == null ? "" : s;
    }

    /**
     * The fraud review approved the order. A COMPLETE whose IPN settings leave FRAUD_STATUS out counts as
     * approved: 2Checkout completes an order only after its review; any other value waits.
     */
    public boolean isFraudApproved() {
        return "APPROVED".equals(getFraudStatus()) || (!form.has("FRAUD_STATUS") && "COMPLETE".equals(getOrderStatus()));
    }

    /** IPN_TOTALGENERAL, the order's total as posted (what an IDN confirms); null when absent. */
    public String getTotalGeneral() {
        return trim(form.get("IPN_TOTALGENERAL"));
    }

    /** CURRENCY, the currency of the order's amounts; null when absent. */
    public String getCurrency() {
        return trim(form.get("CURRENCY"));
    }

    /** TEST_ORDER=1: test licenses only. */
    public boolean isTest() {
        return "1".equals(trim(form.get("TEST_ORDER")));
    }

    public String getCustomerName() {
        String name = (nz(form.get("FIRSTNAME")) + " " + nz(form.get("LASTNAME"))).trim();
        return name.isEmpty() ? null : name;
    }

    public List<OrderLine> getLines() {
        return lines;
    }

    @Override
    public List<String> subscriptionRefs() {
        return lines.stream().map(OrderLine::getSubscriptionRef).filter(r -> r != null).distinct().toList();
    }

    /**
     * The order, the status pair it reports and the lines it concerns. 2Checkout re-sends COMPLETE when
     * invoices are generated; those re-sends are the same event. Amounts are included so that two
     * different partial refunds of an order stay two events.
     */
    @Override
    public String eventKey() {
        StringBuilder key = new StringBuilder("IPN|").append(getOrderRef()).append('|').append(getOrderStatus())
                .append('|').append(getFraudStatus()).append('|').append(nz(form.get("IPN_TOTALGENERAL")));
        for (int i = 0; i < lines.size(); i++) {
            OrderLine l = lines.get(i);
            key.append('|').append(l.getProductId()).append(':').append(l.getProductCode()).append(':')
                    .append(l.getQuantity()).append(':').append(l.getSubscriptionRef()).append(':')
                    .append(nz(form.element("IPN_TOTAL", i)));
        }
        return sha256(key.toString());
    }

    @Override
    public String receipt(HmacAlgorithm algorithm, String secretKey, String date) {
        return ReadReceipt.forIpn(algorithm, secretKey, form.element("IPN_PID", 0), form.element("IPN_PNAME", 0),
                form.get("IPN_DATE"), date);
    }
}
