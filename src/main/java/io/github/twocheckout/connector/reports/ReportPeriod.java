package io.github.twocheckout.connector.reports;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The period and filters a report or an export is asked for: {@code from} and {@code to} are days
 * (UTC), both included; without them, the current month so far. Test orders are left out unless
 * {@code includeTest=true}. {@code product} is a product code or 2Checkout product id, {@code vendor}
 * a vendor code. {@code scope} is the caller's vendors (a PostgreSQL array literal), or null for all.
 */
public record ReportPeriod(LocalDate from, LocalDate to, String product, String vendor, boolean includeTest, String scope) {

    static final int MAX_DAYS = 3700;

    static ReportPeriod of(String from, String to, String product, String vendor, String includeTest,
                           io.github.twocheckout.connector.model.Principal principal) {
        LocalDate today = LocalDate.now(Clock.systemUTC());
        LocalDate f = day(from, "from", today.withDayOfMonth(1));
        LocalDate t = day(to, "to", today);
        if (t.isBefore(f)) {
            throw new IllegalArgumentException("'to' (" + t + ") is before 'from' (" + f + ")");
        }
        if (f.plusDays(MAX_DAYS).isBefore(t)) {
            throw new IllegalArgumentException("at most " + MAX_DAYS + " days at a time");
        }
        return new ReportPeriod(f, t, blank(product), blank(vendor), flag(includeTest, "includeTest"), principal.vendorArray());
    }

    /** The first instant of the period. */
    Timestamp start() {
        return Timestamp.from(from.atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    /** The first instant after the period. */
    Timestamp end() {
        return Timestamp.from(to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    private static LocalDate day(String value, String name, LocalDate otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' must be a day such as 2026-03-31");
        }
    }

    public static boolean flag(String value, String name) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("'" + name + "' must be true or false");
        };
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
