package io.github.twocheckout.connector.model;

import java.time.Period;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The license parameters of one product mapping together with its connector's settings, read from
 * the row the product-enrich route looked up.
 */
public record ProductLicense(long mappingId, long connectorId, String connectorName, boolean connectorEnabled,
                             boolean testingMode, String productName, String edition, boolean subscription,
                             Period duration, int maxActivations, boolean perUnit, String codePrefix,
                             String vendorCode, Mailing mailing, String codeSource,
                             CodeFormat codeFormat) {

    /** The connector hands out codes the vendor loaded. */
    public boolean codesFromPool() {
        return "pool".equals(codeSource);
    }

    /** The connector's codes come from its license server or a route, asked for outside the transaction. */
    public boolean codesFromSource() {
        return "remote".equals(codeSource) || "route".equals(codeSource);
    }

    /**
     * Who hears of new licenses, as the same lookup read it: the connector's success-email switch and
     * recipients, the vendor's contact and name. Null when the lookup did not select them (an edited
     * query): the success email then reads them itself.
     */
    public record Mailing(boolean emailOnSuccess, String recipients, String contactEmail, String vendorName) {

        /** From a row with columns email_on_success, recipients, contact_email and vendor_name; null without them. */
        public static Mailing from(Map<String, Object> row) {
            return row == null || !row.containsKey("recipients") || !row.containsKey("contact_email") ? null
                    : new Mailing(Boolean.TRUE.equals(row.get("email_on_success")), (String) row.get("recipients"),
                            (String) row.get("contact_email"), (String) row.get("vendor_name"));
        }
    }

    private static final Pattern RECURRENCE = Pattern.compile("(\\d{1,3})\\s*(day|week|month|year)s?", Pattern.CASE_INSENSITIVE);

    public static ProductLicense from(Map<String, Object> row) {
        String duration = (String) row.get("duration");
        return new ProductLicense(
                ((Number) row.get("mapping_id")).longValue(),
                ((Number) row.get("connector_id")).longValue(),
                (String) row.get("connector_name"),
                Boolean.TRUE.equals(row.get("connector_enabled")),
                "testing".equals(row.get("mode")),
                (String) row.get("product_name"),
                (String) row.get("edition"),
                "subscription".equals(row.get("license_type")),
                duration == null ? null : Period.parse(duration),
                ((Number) row.get("max_activations")).intValue(),
                !"per_line".equals(row.get("code_mode")),
                (String) row.get("code_prefix"),
                (String) row.get("vendor_code"),
                Mailing.from(row),
                row.get("code_source") == null ? "builtin" : (String) row.get("code_source"),
                row.get("code_length") == null ? CodeFormat.DEFAULT
                        : new CodeFormat(
                                ((Number) row.get("code_length")).intValue(), ((Number) row.get("code_group")).intValue(),
                                (String) row.get("code_alphabet")));
    }

    /**
     * The period a renewal adds: the recurrence 2Checkout states for the line ("1 Year", "6 Month")
     * when it can be read, otherwise the mapping's duration.
     */
    public Period renewalPeriod(String recurrence) {
        if (recurrence != null) {
            Matcher m = RECURRENCE.matcher(recurrence.trim());
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "day" -> Period.ofDays(n);
                    case "week" -> Period.ofWeeks(n);
                    case "month" -> Period.ofMonths(n);
                    default -> Period.ofYears(n);
                };
            }
        }
        return duration;
    }
}
