package io.github.twocheckout.connector.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A form body in the order 2Checkout posts it: scalar fields, and {@code NAME[]} arrays whose elements
 * stay together at the array's first position (which is also the order IPN/LCN signatures use).
 */
public final class FormFields {

    private final Map<String, List<String>> fields = new LinkedHashMap<>();

    /** Sets a scalar field (replacing it), or an array field to this one element. */
    public FormFields set(String name, String value) {
        List<String> v = new ArrayList<>();
        v.add(value == null ? "" : value);
        fields.put(name, v);
        return this;
    }

    /** Appends an element to an array field ({@code NAME[]}). */
    public FormFields add(String name, String value) {
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value == null ? "" : value);
        return this;
    }

    public FormFields remove(String name) {
        fields.remove(name);
        return this;
    }

    public String get(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> array(String name) {
        List<String> v = fields.get(name);
        return v == null ? List.of() : List.copyOf(v);
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** Every value in posting order, arrays element by element. */
    public List<String> values() {
        List<String> values = new ArrayList<>();
        fields.values().forEach(values::addAll);
        return values;
    }

    public FormFields copy() {
        FormFields c = new FormFields();
        fields.forEach((k, v) -> c.fields.put(k, new ArrayList<>(v)));
        return c;
    }

    /** application/x-www-form-urlencoded, UTF-8, with {@code []} left readable as 2Checkout sends it. */
    public String encode() {
        StringBuilder sb = new StringBuilder();
        fields.forEach((name, values) -> {
            String key = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%5B%5D", "[]");
            for (String value : values) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return sb.toString();
    }

    /** Name=value lines for a person to read (what the simulator prints it sent). */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        fields.forEach((name, values) -> values.forEach(v -> out.add(name + "=" + v)));
        return out;
    }
}
