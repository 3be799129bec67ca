package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.LineSale;
import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.OrderLine;
import java.util.ArrayList;
import java.util.List;

/**
 * A legacy INS notification as the connector reads it. Field names are those of the INS parameter
 * list (2checkout-protocols.md section 1.3).
 */
public final class InsMessage {

    private static final String[] REQUIRED = {"message_type", "vendor_id", "sale_id", "invoice_id", "md5_hash"};

    private final FormBody form;
    private final List<InsItem> items;
    /**
     * The message that established the order: the first INS message of the sale that was stored. Only
     * sale_id, vendor_id and invoice_id are signed, so a later message of the sale (or a changed copy of
     * one) may not say what the order holds: its products, quantities, recurrences, customer and demo flag
     * are read from here. This message itself when it is the first.
     */
    private final InsMessage order;

    private InsMessage(FormBody form, List<InsItem> items, InsMessage order) {
        this.form = form;
        this.items = items;
        this.order = order == null ? this : order;
    }

    /** Parses and checks the fields every INS message carries; 400 material otherwise. */
    public static InsMessage parse(String raw) {
        FormBody form = FormBody.parse(raw);
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED) {
            String v = form.first(name);
            if (v == null || v.isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new MalformedNotificationException("missing required field(s): " + String.join(", ", missing));
        }
        for (String name : REQUIRED) {
            if (form.count(name) > 1) {
                throw new MalformedNotificationException("field '" + name + "' posted more than once");
            }
        }
        return new InsMessage(form, readItems(form), null);
    }

    /** This message as a follow-up of the sale's first stored message {@code first}, which says what the order holds. */
    public InsMessage following(InsMessage first) {
        if (first == null || first == this || !first.getSaleId().trim().equals(getSaleId().trim())
                || !first.getVendorId().trim().equals(getVendorId().trim())) {
            return this;
        }
        return new InsMessage(form, items, first.order);
    }

    /**
     * A RECURRING_INSTALLMENT_SUCCESS that names the invoice which paid for the order itself: 2Checkout
     * sends each installment with a new invoice_id, so this is a copy of the order's own message with its
     * type changed, and renews nothing.
     */
    public boolean isInstallmentOfOrderInvoice() {
        return getMessageType().equals("RECURRING_INSTALLMENT_SUCCESS") && order != this
                && !order.getMessageType().startsWith("RECURRING_")
                && order.getInvoiceId().trim().equals(getInvoiceId().trim());
    }

    private static List<InsItem> readItems(FormBody form) {
        int count;
        String declared = form.first("item_count");
        if (declared != null && !declared.isBlank()) {
            count = Fields.number(declared, "item_count", 0, 1000);
        } else {
            count = 0;
            while (form.first("item_id_" + (count + 1)) != null) {
                count++;
            }
        }
        List<InsItem> items = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String id = form.first("item_id_" + i);
            if (id == null || id.isBlank()) {
                throw new MalformedNotificationException("item_id_" + i + " missing (item_count=" + count + ")");
            }
            // The legacy INS parameter list has no quantity; an item_quantity_# field is honoured when sent.
            items.add(new InsItem(i, id.trim(), form.first("item_name_" + i), form.first("item_type_" + i),
                    form.first("item_duration_" + i), form.first("item_recurrence_" + i),
                    form.first("item_rec_status_" + i), form.first("item_list_amount_" + i),
                    form.first("item_usd_amount_" + i), form.first("item_cust_amount_" + i),
                    Fields.quantity(form.first("item_quantity_" + i), "item_quantity_" + i)));
        }
        return List.copyOf(items);
    }

    public String field(String name) {
        return form.first(name);
    }

    public String getMessageType() {
        return form.first("message_type").trim();
    }

    public String getMessageId() {
        String id = form.first("message_id");
        return id == null || id.isBlank() ? null : id.trim();
    }

    public String getVendorId() {
        return form.first("vendor_id");
    }

    public String getSaleId() {
        return form.first("sale_id");
    }

    public String getInvoiceId() {
        return form.first("invoice_id");
    }

    public String getMd5Hash() {
        return form.first("md5_hash");
    }

    /**
     * The order this message belongs to: sale_id, which the md5_hash signs. The current platform's order_ref
     * is not signed and is never used to pick an order (a changed copy could point at any order).
     */
    public String getOrderRef() {
        return getSaleId().trim();
    }

    public String getFraudStatus() {
        return lower(form.first("fraud_status"));
    }

    public String getInvoiceStatus() {
        return lower(form.first("invoice_status"));
    }

    public String getShipStatus() {
        return lower(form.first("ship_status"));
    }

    /** Demo sales never produce live licenses. As the order's first message said. */
    public boolean isDemo() {
        String demo = order.form.first("demo");
        return demo != null && (demo.equalsIgnoreCase("Y") || demo.equals("1") || demo.equalsIgnoreCase("true"));
    }

    /** The buyer, as the order's first message named them. */
    public String getCustomerName() {
        FormBody form = order.form;
        String name = form.first("customer_name");
        if (name == null || name.isBlank()) {
            String first = form.first("customer_first_name");
            String last = form.first("customer_last_name");
            name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        }
        return name.isEmpty() ? null : name;
    }

    public String getCustomerEmail() {
        return order.form.first("customer_email");
    }

    /** The items this message carries, as posted (unsigned). */
    public List<InsItem> getItems() {
        return items;
    }

    /**
     * The order's billed items, as its first message listed them: what issuing, renewing and status changes
     * act on. A follow-up's own item list is not signed and adds nothing.
     */
    public List<InsItem> getBilledItems() {
        return order.items.stream().filter(i -> !i.isRefund()).toList();
    }

    /**
     * The items this refund names (item_type=refund, else all it lists), limited to products the order holds:
     * a refund can only reach licenses of its own order.
     */
    public List<InsItem> getRefundedItems() {
        List<InsItem> refunds = items.stream().filter(InsItem::isRefund).toList();
        java.util.Set<String> ordered = new java.util.HashSet<>();
        order.items.forEach(i -> ordered.add(i.productId()));
        return (refunds.isEmpty() ? items : refunds).stream().filter(i -> ordered.contains(i.productId())).toList();
    }

    /** The order's items (as its first message listed them) as order lines. */
    public List<OrderLine> getLines() {
        return order.items.stream().map(this::line).toList();
    }

    /** The billed items (not refund lines) as order lines, their units numbered across lines of the same product. */
    public List<OrderLine> getBilledLines() {
        return OrderLine.numberedAcrossLines(getBilledItems().stream().map(this::line).toList());
    }

    /** The refunded items as order lines. */
    public List<OrderLine> getRefundLines() {
        return getRefundedItems().stream().map(this::line).toList();
    }

    private OrderLine line(InsItem item) {
        // INS names a product by the vendor's item id, which a mapping may hold as product code or product id.
        return OrderLine.forOrder(getOrderRef())
                .invoice(getInvoiceId() == null ? null : getInvoiceId().trim())
                .product(item.productId(), item.productId(), item.name())
                .quantity(item.quantity())
                .recurrence(item.recurrence())
                .customer(getCustomerName(), getCustomerEmail())
                .test(isDemo())
                .sale(sale(item))
                .build();
    }

    /**
     * The item of this message that states the amounts of an order item: what an installment or a refund
     * was for is this message's word (amounts only ever reach the reports, never a license), the product
     * and its terms are the order's.
     */
    private InsItem ownAmounts(InsItem orderItem) {
        InsItem sameProduct = null;
        for (InsItem own : items) {
            if (own.productId().equals(orderItem.productId())) {
                if (own.index() == orderItem.index()) {
                    return own;
                }
                sameProduct = sameProduct == null ? own : sameProduct;
            }
        }
        return sameProduct;
    }

    /**
     * The item's commercial facts. INS states amounts per item line: item_list_amount_# in list_currency,
     * item_cust_amount_# in the buyer's cust_currency, item_usd_amount_# in USD. When no customer amount
     * is sent and the buyer paid in the list currency, the list amount is what was paid.
     */
    private LineSale sale(InsItem orderItem) {
        InsItem own = order == this ? orderItem : ownAmounts(orderItem);
        InsItem item = own != null ? own : orderItem;
        FormBody form = own != null ? this.form : order.form; // the currencies of the message the amounts come from
        String listCurrency = LineSale.code(form.first("list_currency"));
        String custCurrency = LineSale.code(form.first("cust_currency"));
        java.math.BigDecimal listAmount = LineSale.amount(item.listAmount());
        java.math.BigDecimal paid = LineSale.amount(item.customerAmount());
        String currency = custCurrency;
        if (paid == null && (custCurrency == null || custCurrency.equals(listCurrency))) {
            paid = listAmount;
            currency = listCurrency;
        }
        String country = LineSale.code(form.first("bill_country"));
        return new LineSale(item.index(), null, listAmount, listCurrency, null, null, paid, currency,
                LineSale.amount(item.usdAmount()), LineSale.text(form.first("payment_type")),
                country != null ? country : LineSale.code(form.first("customer_ip_country")),
                LineSale.text(form.first("vendor_order_id")), LineSale.text(getInvoiceId()),
                easternTime(this.form.first("timestamp")));
    }

    /** INS times are U.S. Eastern ("2026-11-21 10:00:00 EST"); null when unreadable. */
    static java.time.Instant easternTime(String value) {
        if (value == null || value.trim().length() < 19) {
            return null;
        }
        try {
            java.time.LocalDateTime t = localDateTime(value.trim());
            if (t == null) {
                return null;
            }
            String zone = value.trim().substring(19).trim().toUpperCase(java.util.Locale.ROOT);
            return switch (zone) {
                case "EST" -> t.toInstant(java.time.ZoneOffset.ofHours(-5));
                case "EDT" -> t.toInstant(java.time.ZoneOffset.ofHours(-4));
                case "UTC", "GMT", "Z" -> t.toInstant(java.time.ZoneOffset.UTC);
                default -> t.atZone(java.time.ZoneId.of("America/New_York")).toInstant();
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * "yyyy-MM-dd HH:mm:ss" (or with a T) at the start of the value; null when it is not that shape. By
     * hand: the ISO parser was a tenth of reading an order's lines. LocalDateTime.of rejects what the
     * strict ISO parser rejects (month 13, February 30, hour 24).
     */
    private static java.time.LocalDateTime localDateTime(String v) {
        if (v.length() < 19 || v.charAt(4) != '-' || v.charAt(7) != '-' || (v.charAt(10) != ' ' && v.charAt(10) != 'T')
                || v.charAt(13) != ':' || v.charAt(16) != ':') {
            return null;
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 2);
        int day = digits(v, 8, 2);
        int hour = digits(v, 11, 2);
        int minute = digits(v, 14, 2);
        int second = digits(v, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        return java.time.LocalDateTime.of(year, month, day, hour, minute, second);
    }

    private static int digits(String v, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * Identity of the business event, so that a re-sent message with a new message_id (or retries that
     * differ only in timestamp) is recognised as the same event: type, sale, invoice and the status it
     * reports (and for refunds the items refunded).
     */
    public String getEventKey() {
        StringBuilder key = new StringBuilder(getMessageType()).append('|').append(getSaleId()).append('|').append(getInvoiceId());
        switch (getMessageType()) {
            case "FRAUD_STATUS_CHANGED" -> key.append("|fraud=").append(getFraudStatus());
            case "INVOICE_STATUS_CHANGED" -> key.append("|invoice=").append(getInvoiceStatus());
            case "SHIP_STATUS_CHANGED" -> key.append("|ship=").append(getShipStatus())
                    .append('|').append(form.first("ship_tracking_number"));
            default -> { }
        }
        // The md5_hash covers sale, vendor and invoice only, so anyone who saw one message of an invoice can
        // alter its other fields: an event is identified by the signed fields, its type and the status it
        // reports, so that an altered copy is a duplicate. A refund adds the products it names (not its
        // amounts): a copy with other amounts is the same refund, and is not applied again.
        if (getMessageType().equals("REFUND_ISSUED")) {
            items.stream().map(InsItem::productId).sorted().distinct().forEach(id -> key.append('|').append(id));
        }
        return Fields.sha256(key.toString());
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
