package io.github.twocheckout.connector.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One product line of an order as any channel reports it: the unit of license work. Getters so that
 * routes can read it with simple expressions ({@code ${body.productRef}}).
 */
public final class OrderLine {
    private final String orderRef;
    private final String invoiceId;
    private final String productId;
    private final String productCode;
    private final String productName;
    private final int quantity;
    private final String recurrence;
    private final String customerName;
    private final String customerEmail;
    private final boolean test;
    private final String subscriptionRef;
    private final boolean renewal;
    private final boolean upgrade;
    private final Instant expiresAt;
    private final boolean lifetime;
    private final LineSale sale;
    private final int firstUnit;

    private OrderLine(Builder b) {
        this.orderRef = b.orderRef;
        this.invoiceId = b.invoiceId;
        this.productId = blankToNull(b.productId);
        this.productCode = blankToNull(b.productCode);
        this.productName = b.productName;
        this.quantity = b.quantity;
        this.recurrence = b.recurrence;
        this.customerName = b.customerName;
        this.customerEmail = b.customerEmail;
        this.test = b.test;
        this.subscriptionRef = blankToNull(b.subscriptionRef);
        this.renewal = b.renewal;
        this.upgrade = b.upgrade;
        this.expiresAt = b.expiresAt;
        this.lifetime = b.lifetime;
        this.sale = b.sale != null ? b.sale : LineSale.unpriced(1);
        this.firstUnit = 1;
    }

    private OrderLine(OrderLine o, int firstUnit) {
        this.orderRef = o.orderRef;
        this.invoiceId = o.invoiceId;
        this.productId = o.productId;
        this.productCode = o.productCode;
        this.productName = o.productName;
        this.quantity = o.quantity;
        this.recurrence = o.recurrence;
        this.customerName = o.customerName;
        this.customerEmail = o.customerEmail;
        this.test = o.test;
        this.subscriptionRef = o.subscriptionRef;
        this.renewal = o.renewal;
        this.upgrade = o.upgrade;
        this.expiresAt = o.expiresAt;
        this.lifetime = o.lifetime;
        this.sale = o.sale;
        this.firstUnit = firstUnit;
    }

    /**
     * The lines of one message with their units numbered across the lines of the same product, in the order
     * the lines came: 2Checkout sends two units of a product as two lines of quantity 1 (or as one line of
     * quantity 2, through another channel), and the licenses must be the same either way: line 1 holds
     * units 1..q1, line 2 units q1+1..q1+q2.
     */
    public static List<OrderLine> numberedAcrossLines(List<OrderLine> lines) {
        Map<String, Integer> next = new HashMap<>();
        List<OrderLine> out = new ArrayList<>(lines.size());
        for (OrderLine line : lines) {
            String product = line.productCode + "|" + line.productId;
            int first = next.getOrDefault(product, 1);
            next.put(product, first + line.quantity);
            out.add(first == 1 ? line : new OrderLine(line, first));
        }
        return List.copyOf(out);
    }

    /** The number of this line's first unit among the units of its product in the order (1 for the first line). */
    public int getFirstUnit() {
        return firstUnit;
    }

    public static Builder forOrder(String orderRef) {
        return new Builder(orderRef);
    }

    public String getOrderRef() {
        return orderRef;
    }

    /** The invoice (INS) or the order reference (IPN) that paid for this line: a renewal applies once per payment. */
    public String getInvoiceId() {
        return invoiceId;
    }

    /** 2Checkout's product id (IPN_PID), matched against a mapping's product id. */
    public String getProductId() {
        return productId;
    }

    /** The vendor's product code (IPN_PCODE, INS item_id_#), matched against a mapping's product code. */
    public String getProductCode() {
        return productCode;
    }

    /**
     * What looks the line's product up in this vendor's configuration, by name (vendorId, productCode,
     * productId): the parameters of sql/product-mapping.sql (routes/enrich.camel.yaml).
     */
    public Map<String, Object> productKey(long vendorId) {
        Map<String, Object> key = new HashMap<>(4);
        key.put("vendorId", vendorId);
        key.put("productCode", productCode);
        key.put("productId", productId);
        return key;
    }

    /** How the line names its product, for people: the code when sent, else the 2Checkout id. */
    public String getProductRef() {
        return productCode != null ? productCode : productId;
    }

    public String getProductName() {
        return productName;
    }

    public int getQuantity() {
        return quantity;
    }

    public String getRecurrence() {
        return recurrence;
    }

    public String getCustomerName() {
        return customerName;
    }

    public String getCustomerEmail() {
        return customerEmail;
    }

    public boolean isTest() {
        return test;
    }

    /** 2Checkout's subscription (license) reference: IPN_LICENSE_REF, and LCN's LICENSE_CODE. */
    public String getSubscriptionRef() {
        return subscriptionRef;
    }

    /** A renewal order line: it extends the subscription named by its reference. */
    public boolean isRenewal() {
        return renewal;
    }

    /** Declared an upgrade by 2Checkout (IPN_LICENSE_TYPE UPGRADE). */
    public boolean isUpgrade() {
        return upgrade;
    }

    /** The expiry 2Checkout states for the line, or null when it does not say (or the line is lifetime). */
    public Instant getExpiresAt() {
        return expiresAt;
    }

    public boolean isLifetime() {
        return lifetime;
    }

    /** Prices, currency and references of the line as the channel posted them (never null). */
    public LineSale getSale() {
        return sale;
    }

    @Override
    public String toString() {
        return "order " + orderRef + " product " + getProductRef();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Builds a line; only the order reference and a product identifier are required. */
    public static final class Builder {
        private final String orderRef;
        private String invoiceId;
        private String productId;
        private String productCode;
        private String productName;
        private int quantity = 1;
        private String recurrence;
        private String customerName;
        private String customerEmail;
        private boolean test;
        private String subscriptionRef;
        private boolean renewal;
        private boolean upgrade;
        private Instant expiresAt;
        private boolean lifetime;
        private LineSale sale;

        private Builder(String orderRef) {
            this.orderRef = orderRef;
        }

        public Builder invoice(String invoiceId) {
            this.invoiceId = invoiceId;
            return this;
        }

        public Builder product(String productId, String productCode, String productName) {
            this.productId = productId;
            this.productCode = productCode;
            this.productName = productName;
            return this;
        }

        public Builder quantity(int quantity) {
            this.quantity = quantity;
            return this;
        }

        public Builder recurrence(String recurrence) {
            this.recurrence = recurrence;
            return this;
        }

        public Builder customer(String name, String email) {
            this.customerName = name;
            this.customerEmail = email;
            return this;
        }

        public Builder test(boolean test) {
            this.test = test;
            return this;
        }

        public Builder subscription(String subscriptionRef, boolean renewal, boolean upgrade) {
            this.subscriptionRef = subscriptionRef;
            this.renewal = renewal;
            this.upgrade = upgrade;
            return this;
        }

        public Builder expires(Instant expiresAt, boolean lifetime) {
            this.expiresAt = expiresAt;
            this.lifetime = lifetime;
            return this;
        }

        public Builder sale(LineSale sale) {
            this.sale = sale;
            return this;
        }

        public OrderLine build() {
            return new OrderLine(this);
        }
    }
}
