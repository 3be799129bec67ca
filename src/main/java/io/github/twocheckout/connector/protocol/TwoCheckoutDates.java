package io.github.twocheckout.connector.protocol;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lenient reading of the dates 2Checkout posts: {@code yyyy-MM-dd HH:mm:ss} or {@code yyyy-MM-dd}, in the
 * order's TIMEZONE_OFFSET ({@code GMT+03:00}) when given, else UTC. {@code 9999-12-31 ...} means lifetime.
 */
public final class TwoCheckoutDates {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern OFFSET = Pattern.compile("(?:GMT|UTC)?\\s*([+-])(\\d{1,2}):?(\\d{2})?");

    private TwoCheckoutDates() {
    }

    public static boolean isLifetime(String value) {
        return value != null && value.trim().startsWith("9999-");
    }

    /**
     * The instant a posted expiry stands for, or null when there is none (empty, zero date, lifetime, or
     * unreadable). A date without a time is valid through that day.
     */
    public static Instant expiry(String value, String timezoneOffset) {
        if (value == null || value.isBlank() || value.startsWith("0000-") || isLifetime(value)) {
            return null;
        }
        ZoneOffset zone = offset(timezoneOffset);
        String v = value.trim();
        try {
            if (v.length() == 10) {
                return LocalDate.parse(v).plusDays(1).atStartOfDay().toInstant(zone);
            }
            return LocalDateTime.parse(v.length() > 19 ? v.substring(0, 19) : v, DATE_TIME).toInstant(zone);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A compact {@code yyyyMMddHHmmss} time (IPN_DATE) in the order's TIMEZONE_OFFSET; null when unreadable. */
    public static Instant compact(String value, String timezoneOffset) {
        if (value == null || !value.trim().matches("\\d{14}")) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.trim(), DateTimeFormatter.ofPattern("yyyyMMddHHmmss")).toInstant(offset(timezoneOffset));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static ZoneOffset offset(String timezoneOffset) {
        if (timezoneOffset == null || timezoneOffset.isBlank()) {
            return ZoneOffset.UTC;
        }
        Matcher m = OFFSET.matcher(timezoneOffset.trim());
        if (!m.matches()) {
            return ZoneOffset.UTC;
        }
        int hours = Integer.parseInt(m.group(2));
        int minutes = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int sign = "-".equals(m.group(1)) ? -1 : 1;
        try {
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
