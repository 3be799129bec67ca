package io.github.twocheckout.connector.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Small readings of posted values shared by the message classes of every channel. */
final class Fields {

    private Fields() {
    }

    static String upper(String s) {
        return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
    }

    static String trim(String s) {
        return s == null ? null : s.trim();
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    /** A quantity of 1 to 1000; absent means 1. Anything else makes the message malformed. */
    static int quantity(String value, String field) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            int q = Integer.parseInt(value.trim());
            if (q < 1 || q > 1000) {
                throw new MalformedNotificationException(field + " out of range");
            }
            return q;
        } catch (NumberFormatException e) {
            throw new MalformedNotificationException(field + " is not a number");
        }
    }

    /** Hex SHA-256 of the text: the business event keys. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
