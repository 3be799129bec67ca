package io.github.twocheckout.connector.protocol;

import static io.github.twocheckout.connector.protocol.Fields.nz;
import static io.github.twocheckout.connector.protocol.Fields.sha256;
import static io.github.twocheckout.connector.protocol.Fields.trim;
import static io.github.twocheckout.connector.protocol.Fields.upper;

import io.github.twocheckout.connector.model.LineSale;
import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.OrderLine;
import java.time.Instant;
import java.util.List;

/**
 * An LCN (license change notification) as the connector reads it: the new state of one 2Checkout
 * subscription, named by LICENSE_CODE. STATUS values are not documented, so entitlement is driven by
 * DISABLED, EXPIRED, EXPIRATION_DATE and RECURRING, with STATUS and DISPATCH_REASON only adding
 * "past due" (2checkout-protocols.md section 3.2).
 */
public final class LcnMessage implements SignedNotification {

    /** The state an LCN puts a subscription's licenses in. */
    public enum State { DISABLED, EXPIRED, PAST_DUE, ACTIVE }

    private final SignedForm form;

    private LcnMessage(SignedForm form) {
        this.form = form;
    }

    public static LcnMessage parse(String raw) {
        SignedForm form = SignedForm.parse(raw);
        String code = form.get("LICENSE_CODE");
        if (code == null || code.isBlank()) {
            throw new MalformedNotificationException("missing required field(s): LICENSE_CODE");
        }
        return new LcnMessage(form);
    }

    /**
     * The subscription as an order line for the commercial record: its product as LCN names it
     * (LICENSE_PRODUCT, LICENSE_PRODUCT_CODE) and, when sent, the renewal amount that was due
     * (NEXT_RENEWAL_PRICE in NEXT_RENEWAL_CURRENCY) at DATE_UPDATED.
     */
    public OrderLine getLine() {
        String country = LineSale.code(form.get("COUNTRY_CODE"));
        String currency = LineSale.code(form.get("NEXT_RENEWAL_CURRENCY"));
        LineSale sale = new LineSale(1, null, null, currency, null, null, LineSale.amount(form.get("NEXT_RENEWAL_PRICE")), currency,
                null, LineSale.text(form.get("NEXT_RENEWAL_PAYMETHOD")), country != null ? country : LineSale.text(form.get("COUNTRY")),
                null, null, TwoCheckoutDates.expiry(form.get("DATE_UPDATED"), form.get("TIMEZONE_OFFSET")));
        return OrderLine.forOrder(getLicenseCode())
                .product(form.get("LICENSE_PRODUCT"), form.get("LICENSE_PRODUCT_CODE"), null)
                .subscription(getLicenseCode(), false, false)
                .test(isTest())
                .sale(sale)
                .build();
    }

    public String getLicenseCode() {
        return form.get("LICENSE_CODE").trim();
    }

    /** EXPIRATION_DATE exactly as posted (it is signed into the receipt as is). */
    public String getExpirationDate() {
        return form.get("EXPIRATION_DATE");
    }

    /** The instant the subscription now expires, null for lifetime or when no date is given. */
    public Instant getExpiresAt() {
        String exp = form.get("EXPIRATION_DATE_TIME");
        Instant at = TwoCheckoutDates.expiry(exp, form.get("TIMEZONE_OFFSET"));
        return at != null ? at : TwoCheckoutDates.expiry(getExpirationDate(), form.get("TIMEZONE_OFFSET"));
    }

    /**
     * The expiry day when 2Checkout sends a date without a time (EXPIRATION_DATE "2025-05-14" and no
     * EXPIRATION_DATE_TIME), else null. A license keeps its time of day when only the day is known.
     */
    public java.time.LocalDate getExpirationDay() {
        String exact = form.get("EXPIRATION_DATE_TIME");
        String date = getExpirationDate();
        if ((exact != null && !exact.isBlank()) || date == null || date.trim().length() != 10 || isLifetime()) {
            return null;
        }
        try {
            return java.time.LocalDate.parse(date.trim());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    public boolean isLifetime() {
        return TwoCheckoutDates.isLifetime(getExpirationDate()) || "YES".equalsIgnoreCase(trim(form.get("LICENSE_LIFETIME")));
    }

    /** TEST=1: the change concerns test licenses only. */
    public boolean isTest() {
        return "1".equals(trim(form.get("TEST")));
    }

    public boolean isDisabled() {
        return "1".equals(trim(form.get("DISABLED")));
    }

    public boolean isExpired() {
        return "1".equals(trim(form.get("EXPIRED"))) || "EXPIRED".equals(getStatus());
    }

    public boolean isPastDue() {
        String status = getStatus() == null ? "" : getStatus().replace(" ", "").replace("_", "");
        return "PASTDUE".equals(status) || "LICENCE_PASTDUE".equals(upper(form.get("DISPATCH_REASON")));
    }

    /** RECURRING: TRUE (auto-renewal on), FALSE (off), or null when not sent. */
    public Boolean getRecurring() {
        String r = trim(form.get("RECURRING"));
        return r == null || r.isEmpty() ? null : "1".equals(r);
    }

    public String getStatus() {
        return upper(form.get("STATUS"));
    }

    /** What this change means, in the precedence disabled > expired > past due > active. */
    public State getState() {
        if (isDisabled()) {
            return State.DISABLED;
        }
        if (isExpired()) {
            return State.EXPIRED;
        }
        if (isPastDue()) {
            return State.PAST_DUE;
        }
        return State.ACTIVE;
    }

    @Override
    public String channel() {
        return "LCN";
    }

    @Override
    public SignedForm form() {
        return form;
    }

    @Override
    public String merchantCode() {
        return null; // LCN does not name the merchant: the URL does, or the signature finds it
    }

    @Override
    public String messageId() {
        return null;
    }

    @Override
    public String messageType() {
        return getState().name();
    }

    /** The order that created the subscription when 2Checkout sends it, else the last order. */
    @Override
    public String orderRef() {
        for (String name : List.of("ORIGINAL_ORDER_REFERENCE", "LAST_ORDER_REFERENCE")) {
            String v = trim(form.get(name));
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    @Override
    public List<String> subscriptionRefs() {
        return List.of(getLicenseCode());
    }

    /** The subscription and the state it is in as of DATE_UPDATED: the same state re-sent is the same event. */
    @Override
    public String eventKey() {
        return sha256(String.join("|", "LCN", getLicenseCode(), nz(getExpirationDate()),
                nz(form.get("DISABLED")), nz(form.get("EXPIRED")), nz(form.get("RECURRING")), nz(form.get("STATUS")),
                nz(form.get("DATE_UPDATED")), nz(form.get("TEST"))));
    }

    @Override
    public String receipt(HmacAlgorithm algorithm, String secretKey, String date) {
        return ReadReceipt.forLcn(algorithm, secretKey, form.get("LICENSE_CODE"), getExpirationDate(), date);
    }
}
