package io.github.twocheckout.connector.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures as the Standard Webhooks specification describes them, so that a receiver can
 * verify ours with any of its libraries: HMAC-SHA256 over {@code id.timestamp.body} with the secret's
 * key bytes (the base64 after {@code whsec_}), sent as {@code v1,<base64>}; during a rotation one
 * signature per secret, separated by spaces.
 */
public final class WebhookSignature {

    public static final String PREFIX = "whsec_";

    private WebhookSignature() {
    }

    /** A new secret: 32 random bytes, in the {@code whsec_} form. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** True when the text is a secret this class can sign with. */
    public static boolean isSecret(String secret) {
        try {
            return secret != null && key(secret).length >= 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The {@code webhook-signature} header value: one {@code v1,...} per secret given (nulls skipped). */
    public static String header(String id, long timestamp, String body, String... secrets) {
        List<String> signatures = new ArrayList<>();
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                signatures.add("v1," + sign(secret, id, timestamp, body));
            }
        }
        return String.join(" ", signatures);
    }

    /** The base64 signature of one message with one secret. */
    public static String sign(String secret, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            byte[] signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /**
     * What a receiver does: true when one of the header's {@code v1} signatures is the message's under
     * the secret, compared in constant time, and the timestamp is within the tolerance of now.
     */
    public static boolean verify(String secret, String id, String timestamp, String body, String header,
                                 long nowSeconds, long toleranceSeconds) {
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - ts) > toleranceSeconds) {
            return false;
        }
        byte[] expected = sign(secret, id, ts, body).getBytes(StandardCharsets.US_ASCII);
        for (String part : header.trim().split(" +")) {
            int comma = part.indexOf(',');
            if (comma > 0 && part.substring(0, comma).equals("v1")
                    && MessageDigest.isEqual(expected, part.substring(comma + 1).getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] key(String secret) {
        String s = secret.trim();
        return Base64.getDecoder().decode(s.startsWith(PREFIX) ? s.substring(PREFIX.length()) : s);
    }
}
