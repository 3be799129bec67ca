package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A signed IPN/LCN form body in the order 2Checkout signs it. 2Checkout's reference code is PHP, which
 * groups repeated {@code NAME[]} keys into one array at the position of the first occurrence and walks
 * arrays in element order; this class reproduces that from the raw body (spec 2.4, vectors V3a-V3c).
 * Scalar fields may appear once: a repeated scalar has no single meaning, so the body is malformed.
 */
public final class SignedForm {

    private final FormBody form;
    /** Field name (without the [] suffix for arrays) to its values, in first-appearance order. */
    private final Map<String, List<String>> grouped;
    private final Map<String, Boolean> isArray;

    private SignedForm(FormBody form, Map<String, List<String>> grouped, Map<String, Boolean> isArray) {
        this.form = form;
        this.grouped = grouped;
        this.isArray = isArray;
    }

    public static SignedForm parse(String raw) {
        FormBody form = FormBody.parse(raw);
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        Map<String, Boolean> isArray = new LinkedHashMap<>();
        for (FormBody.Field f : form.fields()) {
            String name = f.name();
            int bracket = name.indexOf('[');
            boolean array = bracket > 0;
            // PHP groups NAME[], NAME[0], NAME[key] under NAME; the index inside the brackets only orders
            // PHP arrays when keys repeat, which 2Checkout never sends.
            String base = array ? name.substring(0, bracket) : name;
            Boolean seenAsArray = isArray.get(base);
            if (seenAsArray != null && (!seenAsArray || !array)) {
                throw new MalformedNotificationException("field '" + base + "' posted more than once");
            }
            isArray.put(base, array);
            grouped.computeIfAbsent(base, k -> new ArrayList<>()).add(f.value());
        }
        return new SignedForm(form, grouped, isArray);
    }

    /** Field names (arrays without brackets) and values in signing order, signature fields included. */
    public Map<String, List<String>> grouped() {
        return grouped;
    }

    /** The values that are signed, in signing order: everything except HASH and SIGNATURE_*. */
    public List<String> signedValues() {
        List<String> values = new ArrayList<>();
        grouped.forEach((name, v) -> {
            if (!HmacAlgorithm.isSignatureField(name)) {
                values.addAll(v);
            }
        });
        return values;
    }

    /**
     * "NAME=bytes" for every signed value, in order: what a vendor compares with their own sender
     * when a signature does not match. Lengths only; values stay out of logs and emails.
     */
    public String byteLengths() {
        StringBuilder out = new StringBuilder();
        grouped.forEach((name, v) -> {
            if (HmacAlgorithm.isSignatureField(name)) {
                return;
            }
            for (String value : v) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(isArray.get(name) ? name + "[]" : name).append('=')
                        .append(value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            }
        });
        return out.toString();
    }

    /** A scalar field, or null when absent. */
    public String get(String name) {
        List<String> v = grouped.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The elements of an array field ({@code NAME[]}), empty when absent. */
    public List<String> array(String name) {
        List<String> v = grouped.get(name);
        return v == null ? List.of() : v;
    }

    /** Element i of an array field, or null when the array is shorter. */
    public String element(String name, int i) {
        List<String> v = array(name);
        return i < v.size() ? v.get(i) : null;
    }

    public boolean has(String name) {
        return grouped.containsKey(name);
    }

    public FormBody form() {
        return form;
    }
}
