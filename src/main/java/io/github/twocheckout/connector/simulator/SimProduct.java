package io.github.twocheckout.connector.simulator;

import java.math.BigDecimal;
import java.time.Period;

/**
 * A product line of a simulated order: 2Checkout product id and code, name, quantity, unit price, and
 * the billing period of a subscription (null = perpetual).
 */
public record SimProduct(String id, String code, String name, int quantity, BigDecimal price, Period period) {

    public boolean subscription() {
        return period != null;
    }

    public BigDecimal total() {
        return price.multiply(BigDecimal.valueOf(quantity));
    }

    /** The product as INS names it: the vendor's item id, which a mapping holds as code or id. */
    public String insItemId() {
        return code != null && !code.isBlank() ? code : id;
    }

    /** "1 Year", "6 Month", "2 Week": how INS writes a recurrence. */
    public String insRecurrence() {
        if (period == null) {
            return "";
        }
        if (period.getYears() > 0) {
            return period.getYears() + " Year";
        }
        if (period.getMonths() > 0) {
            return period.getMonths() + " Month";
        }
        return Math.max(1, period.getDays() / 7) + " Week";
    }
}
