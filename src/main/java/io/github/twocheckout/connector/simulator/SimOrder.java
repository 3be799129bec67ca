package io.github.twocheckout.connector.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A simulated 2Checkout order and what follows from it: its reference (REFNO, also the INS sale_id),
 * the references of its renewal orders and INS installments, one subscription reference per
 * subscription line, and the dates everything is computed from.
 */
public final class SimOrder {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final long ref;
    private final List<SimProduct> products;
    private final SimCustomer customer;
    private final String currency;
    private final Instant placedAt;
    private final boolean test;

    public SimOrder(long ref, List<SimProduct> products, SimCustomer customer, String currency, Instant placedAt, boolean test) {
        if (products.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one product");
        }
        this.ref = ref;
        this.products = List.copyOf(products);
        this.customer = customer;
        this.currency = currency;
        this.placedAt = placedAt;
        this.test = test;
    }

    public String ref() {
        return Long.toString(ref);
    }

    /** The vendor's own order reference (REFNOEXT), which renewal orders carry as ORIGINAL_REFNOEXT. */
    public String externalRef() {
        return "ORD-" + ref;
    }

    /** The REFNO of renewal order number {@code cycle} (1, 2, ...): a new 2Checkout order each time. */
    public String renewalRef(int cycle) {
        return Long.toString(ref + 100_000_000L * cycle);
    }

    /** The REFNO of an upgrade order of this order's subscription. */
    public String upgradeRef() {
        return Long.toString(ref + 900_000_000L);
    }

    /** The first subscription line (what an upgrade or an LCN concerns by default), or -1. */
    public int firstSubscriptionLine() {
        for (int i = 0; i < products.size(); i++) {
            if (products.get(i).subscription()) {
                return i;
            }
        }
        return -1;
    }

    /** The INS invoice of installment {@code n} (0 = the order's first invoice). */
    public String invoiceId(int installment) {
        return Long.toString(ref * 10 + 7 + 1_000_000_000_000L * installment);
    }

    /** A 2Checkout-style subscription reference (IPN_LICENSE_REF, LCN LICENSE_CODE) of product line i. */
    public String subscriptionRef(int line) {
        long n = ref * 31 + line;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            s.append(ALPHABET.charAt((int) (n % ALPHABET.length())));
            n /= ALPHABET.length();
        }
        return s.toString().toUpperCase(Locale.ROOT);
    }

    /** When the subscription of line i expires after {@code periods} paid periods (null = perpetual). */
    public Instant expiry(int line, int periods) {
        SimProduct p = products.get(line);
        if (!p.subscription()) {
            return null;
        }
        java.time.OffsetDateTime t = placedAt.atOffset(java.time.ZoneOffset.UTC);
        for (int i = 0; i < periods; i++) {
            t = t.plus(p.period());
        }
        return t.toInstant();
    }

    public BigDecimal total() {
        return products.stream().map(SimProduct::total).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public List<SimProduct> products() {
        return products;
    }

    public SimCustomer customer() {
        return customer;
    }

    public String currency() {
        return currency;
    }

    public Instant placedAt() {
        return placedAt;
    }

    public boolean test() {
        return test;
    }

    /** The index of the line with this product code or id, or -1. */
    public int lineOf(String product) {
        for (int i = 0; i < products.size(); i++) {
            SimProduct p = products.get(i);
            if (product.equals(p.code()) || product.equals(p.id())) {
                return i;
            }
        }
        return -1;
    }
}
