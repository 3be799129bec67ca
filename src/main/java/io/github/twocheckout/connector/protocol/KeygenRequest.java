package io.github.twocheckout.connector.protocol;

import static io.github.twocheckout.connector.protocol.Fields.nz;
import static io.github.twocheckout.connector.protocol.Fields.trim;
import static io.github.twocheckout.connector.protocol.Fields.upper;

import io.github.twocheckout.connector.model.LineSale;
import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.OrderLine;
import java.util.ArrayList;
import java.util.List;

/**
 * A key-generator call ("Electronic Delivery, Dynamic list"): 2Checkout asks for the codes of an
 * approved order. Field names are read through {@link KeygenFields} because the official parameter
 * table is not public in full; the body is parsed in PHP order so that a HASH or SIGNATURE_* sent with
 * it is checked exactly like an IPN's (protocols doc 4.2).
 *
 * <p>Usually one product per call (a dynamic list is assigned to products); IPN-style product arrays
 * are read as one line per element, and the answer lists the codes of every line in order.
 */
public final class KeygenRequest implements SignedNotification {

    public static final String CHANNEL = "KEYGEN";

    private final SignedForm form;
    private final KeygenFields fields;
    private final String orderRef;
    private final List<OrderLine> lines;

    private KeygenRequest(SignedForm form, KeygenFields fields) {
        this.form = form;
        this.fields = fields;
        this.orderRef = value(fields.orderRef(), 0);
        if (orderRef == null || orderRef.isBlank()) {
            throw new MalformedNotificationException("missing the order reference (" + String.join(" or ", fields.orderRef()) + ")");
        }
        this.lines = readLines();
    }

    public static KeygenRequest parse(String raw, KeygenFields fields) {
        return new KeygenRequest(SignedForm.parse(raw), fields);
    }

    private List<OrderLine> readLines() {
        int count = Math.max(count(fields.productId()), count(fields.productCode()));
        if (count == 0) {
            throw new MalformedNotificationException("missing the product (" + String.join(", ", fields.productId()) + ", "
                    + String.join(", ", fields.productCode()) + ")");
        }
        if (count > 100) {
            throw new MalformedNotificationException("more than 100 products in one key-generator call");
        }
        String customer = (nz(value(fields.firstName(), 0)) + " " + nz(value(fields.lastName(), 0))).trim();
        List<OrderLine> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = blankToNull(value(fields.productId(), i));
            String code = blankToNull(value(fields.productCode(), i));
            if (id == null && code == null) {
                throw new MalformedNotificationException("product " + (i + 1) + " has neither a product id nor a product code");
            }
            out.add(OrderLine.forOrder(getOrderRef())
                    .invoice(getOrderRef())
                    .product(id, code, value(fields.productName(), i))
                    .quantity(Fields.quantity(value(fields.quantity(), i), String.join("/", fields.quantity())))
                    .customer(customer.isEmpty() ? null : customer, blankToNull(value(fields.email(), 0)))
                    .test(isTest())
                    .subscription(blankToNull(value(fields.licenseRef(), i)), false, false)
                    // The call carries no prices that we know of: the line is recorded with its quantity only.
                    .sale(LineSale.unpriced(i + 1))
                    .build());
        }
        return OrderLine.numberedAcrossLines(out);
    }

    /** How many lines the first of these fields present describes: an array's size, or 1 for a scalar. */
    private int count(List<String> names) {
        for (String name : names) {
            if (name.endsWith("[]")) {
                List<String> values = form.array(name.substring(0, name.length() - 2));
                if (!values.isEmpty()) {
                    return values.size();
                }
            } else if (form.has(name)) {
                return 1;
            }
        }
        return 0;
    }

    /** Line i's value of the first of these fields present; a scalar field applies to every line. */
    private String value(List<String> names, int i) {
        for (String name : names) {
            if (name.endsWith("[]")) {
                String base = name.substring(0, name.length() - 2);
                if (!form.array(base).isEmpty()) {
                    return trim(form.element(base, i));
                }
            } else if (form.has(name)) {
                return trim(form.get(name));
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** TESTORDER=YES (or TEST_ORDER=1): test codes only. */
    public boolean isTest() {
        String v = upper(value(fields.testOrder(), 0));
        return "YES".equals(v) || "1".equals(v) || "TRUE".equals(v);
    }

    public String getOrderRef() {
        return orderRef.trim();
    }

    public List<OrderLine> getLines() {
        return lines;
    }

    public boolean isSigned() {
        for (HmacAlgorithm a : HmacAlgorithm.BY_STRENGTH) {
            String v = form.get(a.field());
            if (v != null && !v.isBlank()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public SignedForm form() {
        return form;
    }

    @Override
    public String merchantCode() {
        return blankToNull(value(fields.merchant(), 0));
    }

    /** Every call is its own row: a repeat is answered again (same codes), and the log shows each one. */
    @Override
    public String messageId() {
        return null;
    }

    @Override
    public String messageType() {
        return isTest() ? "KEYGEN_TEST" : "KEYGEN";
    }

    @Override
    public String orderRef() {
        return getOrderRef();
    }

    @Override
    public List<String> subscriptionRefs() {
        return lines.stream().map(OrderLine::getSubscriptionRef).filter(r -> r != null).distinct().toList();
    }

    @Override
    public String eventKey() {
        return null;
    }

    /** The key generator is answered with codes, not a read receipt. */
    @Override
    public String receipt(HmacAlgorithm algorithm, String secretKey, String date) {
        throw new UnsupportedOperationException("key-generator calls have no read receipt");
    }
}
