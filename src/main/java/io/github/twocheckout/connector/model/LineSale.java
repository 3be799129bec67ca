package io.github.twocheckout.connector.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The commercial facts of one order line exactly as a channel posted them: prices, currency, VAT,
 * discount, how and where the buyer paid, and the references 2Checkout gave the order. Any of them may
 * be null: each channel sends a different subset (the key generator sends none), and a value that is
 * not a number is kept out rather than guessed.
 *
 * @param lineNo        position of the line in the notification, from 1
 * @param unitPrice     IPN_PRICE[]: the unit price
 * @param listAmount    INS item_list_amount_#: the line's amount in the vendor's list currency
 * @param listCurrency  the currency of unitPrice and listAmount
 * @param discount      IPN_DISCOUNT[]
 * @param vat           IPN_VAT[]
 * @param paidAmount    what the buyer paid for the line: IPN_TOTAL[], INS item_cust_amount_#
 * @param currency      the currency of paidAmount
 * @param usdAmount     INS item_usd_amount_#
 * @param occurredAt    when 2Checkout says the event happened (IPN_DATE, INS timestamp); null = when it reached us
 */
public record LineSale(int lineNo, BigDecimal unitPrice, BigDecimal listAmount, String listCurrency, BigDecimal discount,
                       BigDecimal vat, BigDecimal paidAmount, String currency, BigDecimal usdAmount, String paymentMethod,
                       String country, String externalRef, String invoiceRef, Instant occurredAt) {

    /** A line about which nothing commercial is known but its position. */
    public static LineSale unpriced(int lineNo) {
        return new LineSale(lineNo, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static final java.util.regex.Pattern PLAIN_DECIMAL = java.util.regex.Pattern.compile("[+-]?\\d{1,15}(\\.\\d{1,8})?");

    /** A posted amount, or null when absent or not a plain decimal number (never a guess). */
    public static BigDecimal amount(String posted) {
        if (posted == null || posted.isBlank()) {
            return null;
        }
        String v = posted.trim();
        if (!PLAIN_DECIMAL.matcher(v).matches()) {
            return null;
        }
        return new BigDecimal(v);
    }

    /** A short code (currency, country) in upper case, or null. */
    public static String code(String posted) {
        return posted == null || posted.isBlank() ? null : posted.trim().toUpperCase(java.util.Locale.ROOT);
    }

    /** Posted text, or null when blank. */
    public static String text(String posted) {
        return posted == null || posted.isBlank() ? null : posted.trim();
    }
}
