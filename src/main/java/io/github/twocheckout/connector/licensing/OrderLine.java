package io.github.twocheckout.connector.licensing;

/**
 * One product line of an order as any channel reports it: the unit of license work. Getters so that
 * routes can read it with simple expressions ({@code ${body.productRef}}).
 */
public final class OrderLine {
    private final String orderRef;
    private final String invoiceId;
    private final String productRef;
    private final String productName;
    private final int quantity;
    private final String recurrence;
    private final String customerName;
    private final String customerEmail;
    private final boolean test;
    private final String subscriptionRef;

    public OrderLine(String orderRef, String invoiceId, String productRef, String productName, int quantity,
                     String recurrence, String customerName, String customerEmail, boolean test, String subscriptionRef) {
        this.orderRef = orderRef;
        this.invoiceId = invoiceId;
        this.productRef = productRef;
        this.productName = productName;
        this.quantity = quantity;
        this.recurrence = recurrence;
        this.customerName = customerName;
        this.customerEmail = customerEmail;
        this.test = test;
        this.subscriptionRef = subscriptionRef;
    }

    public String getOrderRef() {
        return orderRef;
    }

    public String getInvoiceId() {
        return invoiceId;
    }

    /** The product identifier as posted: matched against a mapping's product id or product code. */
    public String getProductRef() {
        return productRef;
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

    public String getSubscriptionRef() {
        return subscriptionRef;
    }

    @Override
    public String toString() {
        return "order " + orderRef + " product " + productRef;
    }
}
