package io.github.twocheckout.connector.protocol;

/** One numbered item set ({@code item_*_#}) of an INS message. */
public record InsItem(
        int index,
        String productId,
        String name,
        String type,
        String duration,
        String recurrence,
        String recurringStatus,
        String listAmount,
        String usdAmount,
        String customerAmount,
        int quantity) {

    public boolean isRefund() {
        return "refund".equalsIgnoreCase(type);
    }
}
