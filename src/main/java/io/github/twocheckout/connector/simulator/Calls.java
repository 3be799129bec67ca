package io.github.twocheckout.connector.simulator;

import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.HmacSignature;
import io.github.twocheckout.connector.protocol.InsSignature;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds correctly signed 2Checkout calls for a simulated order, with the fields and value formats of
 * 2checkout-protocols.md: INS (md5_hash), IPN and LCN (HMAC over length-prefixed values, all three
 * algorithms by default, as 2Checkout sends them) and the key generator (signed like an IPN).
 */
public final class Calls {

    /** The ten legacy INS message types. */
    public static final List<String> INS_TYPES = List.of("ORDER_CREATED", "FRAUD_STATUS_CHANGED", "SHIP_STATUS_CHANGED",
            "INVOICE_STATUS_CHANGED", "REFUND_ISSUED", "RECURRING_INSTALLMENT_SUCCESS", "RECURRING_INSTALLMENT_FAILED",
            "RECURRING_STOPPED", "RECURRING_COMPLETE", "RECURRING_RESTARTED");

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final AtomicLong MESSAGE_IDS = new AtomicLong(System.currentTimeMillis() * 1000);

    private final SimVendor vendor;
    private Set<HmacAlgorithm> algorithms = EnumSet.allOf(HmacAlgorithm.class);

    public Calls(SimVendor vendor) {
        this.vendor = vendor;
    }

    /** Sign IPN, LCN and key-generator calls with these algorithms only (default: all three). */
    public Calls signWith(Set<HmacAlgorithm> algorithms) {
        this.algorithms = algorithms.isEmpty() ? EnumSet.noneOf(HmacAlgorithm.class) : EnumSet.copyOf(algorithms);
        return this;
    }

    public SimVendor vendor() {
        return vendor;
    }

    // ---------------------------------------------------------------- INS

    /** Options of an INS message; null keeps the type's usual value. */
    public record InsOptions(String fraudStatus, String invoiceStatus, Integer installment, String shipStatus) {
        public static final InsOptions DEFAULTS = new InsOptions(null, null, null, null);
    }

    public SimCall ins(SimOrder order, String messageType, Instant at, InsOptions o) {
        String type = messageType.toUpperCase(Locale.ROOT);
        if (!INS_TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown INS message_type '" + messageType + "'; one of " + INS_TYPES);
        }
        boolean recurringType = type.startsWith("RECURRING_");
        int installment = o.installment() != null ? o.installment() : type.equals("RECURRING_INSTALLMENT_SUCCESS")
                || type.equals("RECURRING_INSTALLMENT_FAILED") ? 1 : 0;
        String fraud = o.fraudStatus() != null ? o.fraudStatus() : type.equals("ORDER_CREATED") ? "wait" : "pass";
        String invoiceStatus = o.invoiceStatus() != null ? o.invoiceStatus()
                : type.equals("RECURRING_INSTALLMENT_FAILED") ? "declined" : type.equals("INVOICE_STATUS_CHANGED") ? "deposited"
                : "approved";
        String recStatus = switch (type) {
            case "RECURRING_STOPPED" -> "canceled";
            case "RECURRING_COMPLETE" -> "completed";
            default -> "live";
        };
        boolean refund = type.equals("REFUND_ISSUED");
        FormFields f = new FormFields()
                .set("message_type", type)
                .set("message_description", description(type))
                .set("timestamp", DATE_TIME.format(at) + " UTC")
                .set("message_id", Long.toString(MESSAGE_IDS.incrementAndGet()))
                .set("key_count", "0")
                .set("vendor_id", vendor.insVendorId())
                .set("sale_id", order.ref())
                .set("sale_date_placed", DATE_TIME.format(order.placedAt()))
                .set("vendor_order_id", order.externalRef())
                .set("invoice_id", order.invoiceId(installment))
                .set("recurring", order.products().stream().anyMatch(SimProduct::subscription) ? "1" : "0")
                .set("payment_type", "credit card")
                .set("list_currency", order.currency())
                .set("cust_currency", order.currency())
                .set("auth_exp", DATE.format(at.plusSeconds(7 * 86_400)))
                .set("invoice_status", invoiceStatus)
                .set("fraud_status", fraud)
                .set("invoice_list_amount", money(order.total()))
                .set("invoice_usd_amount", money(order.total()))
                .set("invoice_cust_amount", money(order.total()))
                .set("customer_first_name", order.customer().firstName())
                .set("customer_last_name", order.customer().lastName())
                .set("customer_name", order.customer().fullName())
                .set("customer_email", order.customer().email())
                .set("customer_phone", "4930123456")
                .set("customer_ip", "203.0.113.45")
                .set("customer_ip_country", order.customer().country())
                .set("bill_city", "Köln")
                .set("bill_country", "DEU")
                .set("ship_status", o.shipStatus() != null ? o.shipStatus() : type.equals("SHIP_STATUS_CHANGED") ? "shipped" : "")
                .set("ship_tracking_number", type.equals("SHIP_STATUS_CHANGED") ? "TRK" + order.ref() : "")
                .set("item_count", Integer.toString(order.products().stream().mapToInt(SimProduct::quantity).sum()));
        if (order.test()) {
            f.set("demo", "Y");
        }
        // INS has no quantity: 2Checkout sends each unit of a product as a line of its own, at the unit's price.
        int n = 0;
        for (int i = 0; i < order.products().size(); i++) {
            SimProduct p = order.products().get(i);
            for (int unit = 0; unit < p.quantity(); unit++) {
                n++;
                f.set("item_name_" + n, p.name())
                        .set("item_id_" + n, p.insItemId())
                        .set("item_list_amount_" + n, money(p.price()))
                        .set("item_usd_amount_" + n, money(p.price()))
                        .set("item_cust_amount_" + n, money(p.price()))
                        .set("item_type_" + n, refund ? "refund" : "bill")
                        .set("item_duration_" + n, p.subscription() ? "Forever" : "")
                        .set("item_recurrence_" + n, p.insRecurrence())
                        .set("item_rec_list_amount_" + n, p.subscription() ? money(p.price()) : "")
                        .set("item_rec_status_" + n, p.subscription() || recurringType ? recStatus : "")
                        .set("item_rec_date_next_" + n, p.subscription() ? DATE.format(order.expiry(i, installment + 1)) : "")
                        .set("item_rec_install_billed_" + n, p.subscription() ? Integer.toString(installment + 1) : "");
            }
        }
        f.set("key_count", Integer.toString(f.lines().size() + 1));
        f.set("md5_hash", InsSignature.compute(order.ref(), vendor.insVendorId(), order.invoiceId(installment), vendor.secretWord()));
        return new SimCall(SimCall.Channel.INS, "INS " + type + (installment > 0 ? " installment " + installment : "")
                + " order " + order.ref(), SimCall.Channel.INS.path, f, vendor, order.ref(), null);
    }

    private static String description(String type) {
        String d = type.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(d.charAt(0)) + d.substring(1);
    }

    // ---------------------------------------------------------------- IPN

    /** Kinds of IPN order: the original order, a renewal order (cycle 1, 2, ...), an upgrade order. */
    public record IpnOptions(String orderStatus, String fraudStatus, int renewal, SimProduct upgradeTo) {
        public static IpnOptions of(String orderStatus, String fraudStatus) {
            return new IpnOptions(orderStatus, fraudStatus, 0, null);
        }
    }

    public SimCall ipn(SimOrder order, Instant at, IpnOptions o) {
        String status = o.orderStatus().toUpperCase(Locale.ROOT);
        String refno = o.renewal() > 0 ? order.renewalRef(o.renewal()) : o.upgradeTo() != null ? order.upgradeRef() : order.ref();
        int upgradedLine = o.upgradeTo() == null ? -1 : order.firstSubscriptionLine();
        FormFields f = new FormFields()
                .set("GIFT_ORDER", "0")
                .set("SALEDATE", DATE_TIME.format(o.renewal() > 0 || o.upgradeTo() != null ? at : order.placedAt()))
                .set("PAYMENTDATE", DATE_TIME.format(at))
                .set("REFNO", refno)
                .set("REFNOEXT", o.renewal() > 0 ? "" : order.externalRef())
                .set("ORIGINAL_REFNOEXT[]", o.renewal() > 0 ? order.externalRef() : "")
                .set("SHOPPER_REFERENCE_NUMBER", "")
                .set("ORDERNO", "0")
                .set("ORDERSTATUS", status)
                .set("PAYMETHOD", "Visa/MasterCard")
                .set("PAYMETHOD_CODE", "CCVISAMC")
                .set("FIRSTNAME", order.customer().firstName())
                .set("LASTNAME", order.customer().lastName())
                .set("COMPANY", order.customer().company())
                .set("CITY", "Köln")
                .set("COUNTRY", "Germany")
                .set("COUNTRY_CODE", order.customer().country().toLowerCase(Locale.ROOT))
                .set("CUSTOMEREMAIL", order.customer().email())
                .set("IPADDRESS", "203.0.113.45")
                .set("CURRENCY", order.currency())
                .set("LANGUAGE", "en")
                .set("TIMEZONE_OFFSET", "GMT+00:00");
        List<SimProduct> lines = o.upgradeTo() != null ? List.of(o.upgradeTo()) : order.products();
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < lines.size(); i++) {
            SimProduct p = lines.get(i);
            if (o.renewal() > 0 && !p.subscription()) {
                continue; // a renewal order holds the subscriptions it renews, never the cart's perpetual lines
            }
            int line = o.upgradeTo() != null ? upgradedLine : i;
            String type = o.renewal() > 0 ? "RENEWAL" : o.upgradeTo() != null ? "UPGRADE" : "REGULAR";
            Instant exp = line >= 0 ? order.expiry(line, o.renewal() + 1) : null;
            if (exp == null && p.subscription()) {
                exp = at.atOffset(ZoneOffset.UTC).plus(p.period()).toInstant();
            }
            boolean subscription = p.subscription() && line >= 0;
            f.add("IPN_PID[]", p.id()).add("IPN_PNAME[]", p.name()).add("IPN_PCODE[]", p.code())
                    .add("IPN_INFO[]", "").add("IPN_QTY[]", Integer.toString(p.quantity()))
                    .add("IPN_PRICE[]", money(p.price())).add("IPN_VAT[]", "0.00").add("IPN_VER[]", "1")
                    .add("IPN_DISCOUNT[]", "0.00").add("IPN_PROMONAME[]", "").add("IPN_DELIVEREDCODES[]", "")
                    .add("IPN_TOTAL[]", money(p.total()))
                    .add("IPN_LICENSE_PROD[]", p.id())
                    .add("IPN_LICENSE_TYPE[]", type)
                    .add("IPN_LICENSE_REF[]", subscription ? order.subscriptionRef(line) : "")
                    .add("IPN_LICENSE_EXP[]", subscription && exp != null ? DATE_TIME.format(exp) : "")
                    .add("IPN_LICENSE_LIFETIME[]", subscription ? "NO" : "YES");
            total = total.add(p.total());
        }
        f.set("IPN_TOTALGENERAL", money(total))
                .set("IPN_SHIPPING", "0.00")
                .set("IPN_COMMISSION", money(total.multiply(new BigDecimal("0.05"))))
                .set("IPN_DATE", COMPACT.format(at))
                .set("MESSAGE_ID", Long.toString(MESSAGE_IDS.incrementAndGet()))
                .set("MESSAGE_TYPE", status)
                .set("TEST_ORDER", order.test() ? "1" : "0")
                .set("FRAUD_STATUS", o.fraudStatus() == null ? "APPROVED" : o.fraudStatus().toUpperCase(Locale.ROOT))
                .set("VENDOR_CODE", vendor.merchantCode());
        sign(f);
        String label = "IPN " + status + "/" + f.get("FRAUD_STATUS")
                + (o.renewal() > 0 ? " renewal #" + o.renewal() : o.upgradeTo() != null ? " upgrade to " + o.upgradeTo().code() : "")
                + " order " + refno;
        return new SimCall(SimCall.Channel.IPN, label, withMerchant(SimCall.Channel.IPN.path), f, vendor, order.ref(), null);
    }

    // ---------------------------------------------------------------- LCN

    /** LCN states as 2Checkout reports them. */
    public static final List<String> LCN_STATES = List.of("ACTIVE", "PAST_DUE", "EXPIRED", "DISABLED");

    public SimCall lcn(SimOrder order, int line, String state, Instant expires, Instant at) {
        String s = state.toUpperCase(Locale.ROOT);
        if (!LCN_STATES.contains(s)) {
            throw new IllegalArgumentException("unknown LCN state '" + state + "'; one of " + LCN_STATES);
        }
        SimProduct p = order.products().get(line);
        FormFields f = new FormFields()
                .set("FIRST_NAME", order.customer().firstName())
                .set("LAST_NAME", order.customer().lastName())
                .set("COMPANY", order.customer().company())
                .set("EMAIL", order.customer().email())
                .set("LICENSE_CODE", order.subscriptionRef(line))
                .set("EXPIRATION_DATE", expires == null ? "9999-12-31" : DATE.format(expires))
                .set("EXPIRATION_DATE_TIME", expires == null ? "" : DATE_TIME.format(expires))
                .set("DATE_UPDATED", DATE_TIME.format(at))
                .set("TEST", order.test() ? "1" : "0")
                .set("CHANGED_BY", "SYSTEM")
                .set("LICENSE_TYPE", "REGULAR")
                .set("DISABLED", s.equals("DISABLED") ? "1" : "0")
                .set("RECURRING", s.equals("ACTIVE") || s.equals("PAST_DUE") ? "1" : "0")
                .set("LICENSE_PRODUCT", p.id())
                .set("LICENSE_PRODUCT_CODE", p.code())
                .set("ORIGINAL_ORDER_REFERENCE", order.ref())
                .set("STATUS", s)
                .set("EXPIRED", s.equals("EXPIRED") ? "1" : "0")
                .set("LICENSE_LIFETIME", expires == null ? "YES" : "NO")
                .set("TIMEZONE_OFFSET", "GMT+00:00")
                .set("DISPATCH_REASON", s.equals("PAST_DUE") ? "LICENCE_PASTDUE" : "LICENCE_CHANGE");
        sign(f);
        return new SimCall(SimCall.Channel.LCN, "LCN " + s + " subscription " + order.subscriptionRef(line),
                withMerchant(SimCall.Channel.LCN.path), f, vendor, order.ref(), null);
    }

    // ---------------------------------------------------------------- key generator

    /** The key-generator call for line i; {@code expectedCodes} when the mapping's code mode is known. */
    public SimCall keygen(SimOrder order, int line, Integer expectedCodes) {
        SimProduct p = order.products().get(line);
        FormFields f = new FormFields()
                .set("REFNO", order.ref())
                .set("REFNOEXT", order.externalRef())
                .set("PID", p.id())
                .set("PCODE", p.code())
                .set("PNAME", p.name())
                .set("QUANTITY", Integer.toString(p.quantity()))
                .set("FIRSTNAME", order.customer().firstName())
                .set("LASTNAME", order.customer().lastName())
                .set("COMPANY", order.customer().company())
                .set("EMAIL", order.customer().email())
                .set("LANG", "en")
                .set("COUNTRY", order.customer().country().toLowerCase(Locale.ROOT))
                .set("LICENSE_REF", p.subscription() ? order.subscriptionRef(line) : "")
                .set("TESTORDER", order.test() ? "YES" : "NO");
        sign(f);
        return new SimCall(SimCall.Channel.KEYGEN, "KEYGEN " + p.code() + " x" + p.quantity() + " order " + order.ref(),
                withMerchant(SimCall.Channel.KEYGEN.path), f, vendor, order.ref(), expectedCodes);
    }

    // ---------------------------------------------------------------- shared

    /** Applies raw field overrides (a scenario's {@code fields:}), then signs again. */
    public SimCall override(SimCall call, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return call;
        }
        FormFields f = call.form().copy();
        fields.forEach(f::set);
        if (call.channel() == SimCall.Channel.INS) {
            f.set("md5_hash", InsSignature.compute(f.get("sale_id"), f.get("vendor_id"), f.get("invoice_id"), vendor.secretWord()));
        } else {
            sign(f);
        }
        return new SimCall(call.channel(), call.label(), call.path(), f, vendor, call.orderRef(), call.expectedCodes());
    }

    private void sign(FormFields f) {
        for (HmacAlgorithm a : HmacAlgorithm.values()) {
            f.remove(a.field());
        }
        List<String> values = f.values();
        for (HmacAlgorithm a : List.of(HmacAlgorithm.MD5, HmacAlgorithm.SHA256, HmacAlgorithm.SHA3_256)) {
            if (algorithms.contains(a)) {
                f.set(a.field(), HmacSignature.hmacHex(a, vendor.secretKey(), values));
            }
        }
    }

    private String withMerchant(String path) {
        return path + "?merchant=" + URLEncoder.encode(vendor.merchantCode(), StandardCharsets.UTF_8);
    }

    static String money(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
