package io.github.twocheckout.connector.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The byte-level signature rule shared by IPN, LCN and the read receipts: every value contributes its
 * length in UTF-8 bytes (decimal ASCII) followed by its bytes; an empty value contributes just "0".
 * The result is HMAC'd with the vendor's secret key. Never String.length(), never the platform charset.
 */
public final class HmacSignature {

    private HmacSignature() {
    }

    /** The signed byte string for these values, in the given order. */
    public static byte[] source(List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** Lower-case hex HMAC of the source with the secret key (its UTF-8 bytes). */
    public static String hmacHex(HmacAlgorithm algorithm, String secretKey, byte[] source) {
        try {
            Mac mac = Mac.getInstance(algorithm.jcaName());
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), algorithm.jcaName()));
            return HexFormat.of().formatHex(mac.doFinal(source));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.label() + " is not available in this JVM", e);
        }
    }

    public static String hmacHex(HmacAlgorithm algorithm, String secretKey, List<String> values) {
        return hmacHex(algorithm, secretKey, source(values));
    }

    /** Constant-time, case-insensitive comparison of two hex digests. */
    public static boolean hexEquals(String expected, String posted) {
        if (expected == null || posted == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                posted.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
