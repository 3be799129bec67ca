package io.github.twocheckout.connector.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Legacy INS md5_hash = UPPER(MD5(sale_id + vendor_id + invoice_id + secret word)). */
public final class InsSignature {

    private InsSignature() {
    }

    public static String compute(String saleId, String vendorId, String invoiceId, String secretWord) {
        String source = nz(saleId) + nz(vendorId) + nz(invoiceId) + nz(secretWord);
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Case-insensitive, constant-time comparison of two hex digests. */
    public static boolean hexEquals(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        byte[] a = expected.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] b = actual.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(a, b);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
