package io.github.twocheckout.connector.protocol;

import java.util.List;

/**
 * The three signatures 2Checkout puts on IPN, LCN (and key generator) calls, strongest first, with the
 * POST field that carries each, the JCA name of its HMAC and the {@code algo} name of its read receipt.
 */
public enum HmacAlgorithm {
    SHA3_256("SIGNATURE_SHA3_256", "HmacSHA3-256", "sha3-256", "HMAC-SHA3-256"),
    SHA256("SIGNATURE_SHA2_256", "HmacSHA256", "sha256", "HMAC-SHA256"),
    MD5("HASH", "HmacMD5", null, "HMAC-MD5");

    /** Strongest first: the order in which a call's signatures are considered. */
    public static final List<HmacAlgorithm> BY_STRENGTH = List.of(SHA3_256, SHA256, MD5);

    private final String field;
    private final String jcaName;
    private final String receiptName;
    private final String label;

    HmacAlgorithm(String field, String jcaName, String receiptName, String label) {
        this.field = field;
        this.jcaName = jcaName;
        this.receiptName = receiptName;
        this.label = label;
    }

    /** The POST field carrying this signature. */
    public String field() {
        return field;
    }

    public String jcaName() {
        return jcaName;
    }

    /** The {@code algo} attribute of a {@code <sig>} receipt; null for MD5, which answers with {@code <EPAYMENT>}. */
    public String receiptName() {
        return receiptName;
    }

    public String label() {
        return label;
    }

    /** True for a POST field that carries a signature and is therefore left out of the signed string. */
    public static boolean isSignatureField(String name) {
        for (HmacAlgorithm a : values()) {
            if (a.field.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
