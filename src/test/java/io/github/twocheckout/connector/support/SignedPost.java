package io.github.twocheckout.connector.support;

import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.HmacSignature;
import io.github.twocheckout.connector.simulator.FormFields;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds a signed IPN or LCN form body the way 2Checkout posts it: scalar fields in order, product
 * arrays as repeated NAME[] keys grouped by name, then the signatures last.
 */
public final class SignedPost {

    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 10_000_000L * 10);

    private FormFields fields = new FormFields();
    private final String channel;
    private String secretKey;
    private Set<HmacAlgorithm> algorithms = EnumSet.allOf(HmacAlgorithm.class);
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private SignedPost(String channel, String secretKey) {
        this.channel = channel;
        this.secretKey = secretKey;
    }

    public static long nextNumber() {
        return SEQUENCE.incrementAndGet();
    }

    /** An IPN for ACME (merchant ACME, current key) with a fresh order reference. */
    public static SignedPost ipn(String orderStatus) {
        return ipn("ACME", "acme-key-2026", String.valueOf(300_000_000L + nextNumber()), orderStatus);
    }

    public static SignedPost ipn(String merchant, String secretKey, String refno, String orderStatus) {
        SignedPost p = new SignedPost("IPN", secretKey);
        p.set("GIFT_ORDER", "0").set("SALEDATE", "2026-11-21 10:11:12").set("PAYMENTDATE", "2026-11-21 10:12:30")
                .set("REFNO", refno).set("REFNOEXT", "").set("ORIGINAL_REFNOEXT[]", "").set("ORDERNO", "0")
                .set("ORDERSTATUS", orderStatus).set("PAYMETHOD", "Visa/MasterCard").set("FIRSTNAME", "Zoë")
                .set("LASTNAME", "Ångström").set("COMPANY", "Müller & Söhne GmbH").set("CUSTOMEREMAIL", "zoe@buyer.test")
                .set("TIMEZONE_OFFSET", "GMT+00:00").set("CURRENCY", "EUR");
        p.set("MESSAGE_ID", String.valueOf(250_000_000_000L + nextNumber())).set("MESSAGE_TYPE", orderStatus)
                .set("TEST_ORDER", "0").set("FRAUD_STATUS", "APPROVED").set("IPN_DATE", "20261121101500")
                .set("VENDOR_CODE", merchant);
        return p;
    }

    /** An LCN for a subscription of ACME (key only: LCN does not name the merchant). */
    public static SignedPost lcn(String licenseCode) {
        SignedPost p = new SignedPost("LCN", "acme-key-2026");
        p.set("FIRST_NAME", "Zoë").set("LAST_NAME", "Ångström").set("EMAIL", "zoe@buyer.test").set("LICENSE_CODE", licenseCode)
                .set("EXPIRATION_DATE", "2027-11-21").set("DATE_UPDATED", "2026-11-21 08:00:" + (10 + nextNumber() % 50))
                .set("TEST", "0").set("CHANGED_BY", "SYSTEM").set("LICENSE_TYPE", "REGULAR").set("DISABLED", "0")
                .set("RECURRING", "1").set("LICENSE_PRODUCT", "5002").set("STATUS", "ACTIVE").set("EXPIRED", "0")
                .set("DISPATCH_REASON", "LICENCE_CHANGE");
        return p;
    }

    /**
     * A key-generator call for ACME with a fresh order reference, in the field names the connector reads
     * by default (keygen.fields.*), signed with the current key like an IPN.
     */
    public static SignedPost keygen(String pid, String pcode, int qty) {
        return keygen(String.valueOf(300_000_000L + nextNumber()), pid, pcode, qty);
    }

    public static SignedPost keygen(String refno, String pid, String pcode, int qty) {
        SignedPost p = new SignedPost("KEYGEN", "acme-key-2026");
        p.set("REFNO", refno).set("REFNOEXT", "").set("PID", pid).set("PCODE", pcode).set("PNAME", "Prödukt " + pcode)
                .set("QUANTITY", String.valueOf(qty)).set("FIRSTNAME", "Zoë").set("LASTNAME", "Ångström")
                .set("COMPANY", "Müller & Söhne GmbH").set("EMAIL", "zoe@buyer.test").set("LANG", "en").set("COUNTRY", "de")
                .set("TESTORDER", "NO");
        return p;
    }

    /** Adds a product line to every IPN_* array. */
    public SignedPost product(String pid, String pcode, String name, int qty, String licenseRef, String licenseType, String exp) {
        add("IPN_PID[]", pid).add("IPN_PNAME[]", name).add("IPN_PCODE[]", pcode).add("IPN_QTY[]", String.valueOf(qty))
                .add("IPN_PRICE[]", "49.00").add("IPN_LICENSE_PROD[]", pid).add("IPN_LICENSE_TYPE[]", licenseType)
                .add("IPN_LICENSE_REF[]", licenseRef).add("IPN_LICENSE_EXP[]", exp).add("IPN_LICENSE_LIFETIME[]", "NO")
                .add("IPN_DELIVEREDCODES[]", "").add("IPN_TOTAL[]", "49.00");
        return this;
    }

    public SignedPost product(String pid, String pcode, String name, int qty) {
        return product(pid, pcode, name, qty, "", "REGULAR", "");
    }

    /** Sets a scalar field (replacing it) or, for NAME[], the array to one element. */
    public SignedPost set(String name, String value) {
        fields.set(name, value);
        return this;
    }

    public SignedPost add(String name, String value) {
        fields.add(name, value);
        return this;
    }

    public SignedPost remove(String name) {
        fields.remove(name);
        return this;
    }

    public SignedPost key(String secretKey) {
        this.secretKey = secretKey;
        return this;
    }

    /** Sign with only these algorithms (default: all three). */
    public SignedPost signWith(HmacAlgorithm... algorithms) {
        this.algorithms = algorithms.length == 0 ? EnumSet.noneOf(HmacAlgorithm.class) : EnumSet.of(algorithms[0], algorithms);
        return this;
    }

    /** Post this value as the signature field instead of the computed one (a forged or broken signature). */
    public SignedPost forge(String signatureField, String value) {
        overrides.put(signatureField, value);
        return this;
    }

    /** The same call as a new message: fresh MESSAGE_ID (what a 2Checkout re-send may look like). */
    public SignedPost copy() {
        SignedPost p = new SignedPost(channel, secretKey);
        p.fields = fields.copy();
        p.algorithms = algorithms.isEmpty() ? EnumSet.noneOf(HmacAlgorithm.class) : EnumSet.copyOf(algorithms);
        if (p.fields.has("MESSAGE_ID")) {
            p.set("MESSAGE_ID", String.valueOf(250_000_000_000L + nextNumber()));
        }
        return p;
    }

    public String get(String name) {
        return fields.get(name);
    }

    public String refno() {
        return get("REFNO");
    }

    /** Values in signing order (signature fields excluded). */
    public List<String> signedValues() {
        return fields.values();
    }

    public String body() {
        FormFields signed = fields.copy();
        for (HmacAlgorithm a : List.of(HmacAlgorithm.MD5, HmacAlgorithm.SHA256, HmacAlgorithm.SHA3_256)) {
            if (algorithms.contains(a)) {
                signed.set(a.field(), overrides.getOrDefault(a.field(), HmacSignature.hmacHex(a, secretKey, signedValues())));
            }
        }
        return signed.encode();
    }
}
