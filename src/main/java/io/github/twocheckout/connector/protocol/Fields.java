package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.MalformedNotificationException;
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
        return number(value, field, 1, 1000);
    }

    /**
     * A whole number written in ASCII digits only, within min..max. Integer.parseInt also reads other
     * scripts' digits ("٣", "３") and a sign; 2Checkout sends neither, and a number no person reads as
     * such must not become a count of licenses.
     */
    static int number(String value, String field, int min, int max) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedNotificationException(field + " is not a number (ASCII digits only)");
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            throw new MalformedNotificationException(field + " out of range (" + min + " to " + max + ")");
        }
        return n;
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
