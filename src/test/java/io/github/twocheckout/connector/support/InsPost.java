package io.github.twocheckout.connector.support;

import io.github.twocheckout.connector.protocol.InsSignature;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Builds a signed legacy INS form body the way 2Checkout posts it. */
public final class InsPost {

    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 100);

    private final Map<String, String> fields = new LinkedHashMap<>();
    private String secretWord;
    private int items;

    private InsPost(String messageType, String vendorId, String secretWord) {
        this.secretWord = secretWord;
        long n = SEQUENCE.incrementAndGet();
        fields.put("message_type", messageType);
        fields.put("message_description", "test " + messageType);
        fields.put("timestamp", "2026-11-21 10:00:00 EST");
        fields.put("message_id", String.valueOf(n));
        fields.put("key_count", "0");
        fields.put("vendor_id", vendorId);
        fields.put("sale_id", String.valueOf(9_000_000_000L + n));
        fields.put("sale_date_placed", "2026-11-21 09:59:00");
        fields.put("vendor_order_id", "");
        fields.put("invoice_id", String.valueOf(8_000_000_000L + n));
        fields.put("recurring", "0");
        fields.put("payment_type", "credit card");
        fields.put("list_currency", "USD");
        fields.put("cust_currency", "USD");
        fields.put("invoice_status", "approved");
        fields.put("fraud_status", "pass");
        fields.put("customer_first_name", "Zoë");
        fields.put("customer_last_name", "Ångström");
        fields.put("customer_name", "Zoë Ångström");
        fields.put("customer_email", "zoe@buyer.test");
        fields.put("item_count", "0");
    }

    /** A message for vendor ACME (INS vendor id 1001) of the test configuration. */
    public static InsPost acme(String messageType) {
        return new InsPost(messageType, "1001", "tango-acme");
    }

    public static InsPost vendor(String messageType, String vendorId, String secretWord) {
        return new InsPost(messageType, vendorId, secretWord);
    }

    public InsPost item(String productId, String name) {
        items++;
        fields.put("item_name_" + items, name);
        fields.put("item_id_" + items, productId);
        fields.put("item_list_amount_" + items, "49.00");
        fields.put("item_usd_amount_" + items, "49.00");
        fields.put("item_type_" + items, "bill");
        fields.put("item_duration_" + items, "Forever");
        fields.put("item_recurrence_" + items, "");
        fields.put("item_count", String.valueOf(items));
        return this;
    }

    public InsPost set(String name, String value) {
        fields.put(name, value);
        return this;
    }

    public InsPost remove(String name) {
        fields.remove(name);
        return this;
    }

    /** Continue the same order: same sale, a new message (id) of another type. */
    public InsPost next(String messageType) {
        InsPost next = new InsPost(messageType, fields.get("vendor_id"), secretWord);
        next.fields.clear();
        next.fields.putAll(fields);
        next.items = items;
        next.fields.put("message_type", messageType);
        next.fields.put("message_id", String.valueOf(SEQUENCE.incrementAndGet()));
        return next;
    }

    public InsPost secretWord(String secretWord) {
        this.secretWord = secretWord;
        return this;
    }

    public String saleId() {
        return fields.get("sale_id");
    }

    public String field(String name) {
        return fields.get(name);
    }

    /** The form body, with md5_hash computed from the current fields unless set explicitly. */
    public String body() {
        Map<String, String> out = new LinkedHashMap<>(fields);
        out.putIfAbsent("md5_hash", InsSignature.compute(fields.get("sale_id"), fields.get("vendor_id"),
                fields.get("invoice_id"), secretWord));
        StringBuilder sb = new StringBuilder();
        out.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }
}
