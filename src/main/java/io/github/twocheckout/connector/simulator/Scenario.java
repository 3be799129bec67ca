package io.github.twocheckout.connector.simulator;

import io.github.twocheckout.connector.config.ConnectorConfigLoader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A scenario file: one order and the 2Checkout calls that follow it, step by step, each optionally
 * with the license state the connector must show afterwards. The format is documented in
 * scenarios/README.md; values may use ${env:NAME:-default}.
 */
public record Scenario(String name, SimVendor vendor, String apiToken, SimOrder order, List<Step> steps) {

    /** One step: what to send (one channel), at which point of the order's life, and what to expect. */
    /**
     * One step: what to send (one channel), at which point of the order's life, and what to expect. Every
     * notification a step causes must end PROCESSED, IGNORED or PARKED, unless {@code expectNotification}
     * names the status it is meant to end in (FAILED, REJECTED); a step expecting a 4xx answer expects either.
     */
    public record Step(String name, Period at, String channel, Map<String, Object> send, Map<String, String> fields,
                       Integer expectHttp, Expectation expect, String expectNotification) {
    }

    /** The licenses of the order (optionally of one product) that must exist after a step. */
    public record Expectation(Integer licenses, String status, String product, Boolean test, Period expires, Duration timeout) {
    }

    public static Scenario load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static Scenario parse(String yaml, String where) {
        Object root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        Map<String, Object> doc = map(root, where);
        Map<String, Object> v = map(doc.get("vendor"), where + " vendor");
        SimVendor vendor = new SimVendor(str(v, "insVendorId", null), str(v, "merchantCode", null), str(v, "secretWord", null),
                str(v, "secretKey", null));
        Map<String, Object> o = map(doc.get("order"), where + " order");
        Map<String, Object> c = o.get("customer") == null ? Map.of() : map(o.get("customer"), where + " customer");
        SimCustomer sample = SimCustomer.sample();
        SimCustomer customer = new SimCustomer(str(c, "firstName", sample.firstName()), str(c, "lastName", sample.lastName()),
                str(c, "email", sample.email()), str(c, "company", sample.company()), str(c, "country", sample.country()));
        List<SimProduct> products = new ArrayList<>();
        for (Object p : list(o.get("products"), where + " order.products")) {
            products.add(product(map(p, where + " product"), where));
        }
        String start = str(o, "start", null);
        String ref = str(o, "ref", null);
        SimOrder order = new SimOrder(ref == null ? freshRef() : Long.parseLong(ref.trim()), products, customer,
                str(o, "currency", "EUR"), start == null ? Instant.now() : Instant.parse(start),
                Boolean.parseBoolean(str(o, "test", "false")));
        List<Step> steps = new ArrayList<>();
        int n = 0;
        for (Object s : list(doc.get("steps"), where + " steps")) {
            n++;
            steps.add(step(map(s, where + " step " + n), where + " step " + n));
        }
        return new Scenario(str(doc, "name", where), vendor, str(doc, "apiToken", null), order, steps);
    }

    /** A product as a scenario writes it: {id, code, name, quantity, price, period}. */
    public static SimProduct product(Map<String, Object> p, String where) {
        String period = str(p, "period", null);
        String id = str(p, "id", null);
        String code = str(p, "code", null);
        if (id == null && code == null) {
            throw new IllegalArgumentException(where + ": a product needs an id or a code");
        }
        return new SimProduct(id == null ? "" : id, code == null ? "" : code, str(p, "name", code != null ? code : id),
                Integer.parseInt(str(p, "quantity", "1")), new BigDecimal(str(p, "price", "49.00")),
                period == null ? null : Period.parse(period));
    }

    private static Step step(Map<String, Object> s, String where) {
        String channel = null;
        Map<String, Object> send = Map.of();
        for (String ch : List.of("ins", "ipn", "lcn", "keygen", "app")) {
            if (s.containsKey(ch)) {
                if (channel != null) {
                    throw new IllegalArgumentException(where + ": one channel per step (" + channel + " and " + ch + ")");
                }
                channel = ch;
                Object value = s.get(ch);
                // "ipn: COMPLETE" is short for "ipn: {status: COMPLETE}", and so on per channel.
                send = value instanceof Map<?, ?> ? map(value, where) : value == null ? Map.of()
                        : Map.of(switch (ch) {
                            case "ins" -> "type";
                            case "ipn" -> "status";
                            case "lcn" -> "state";
                            case "app" -> "action";
                            default -> "product";
                        }, String.valueOf(value));
            }
        }
        if (channel == null) {
            throw new IllegalArgumentException(where + ": says nothing to send (ins, ipn, lcn, keygen, or app for the buyer's application)");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (s.get("fields") != null) {
            map(s.get("fields"), where + " fields").forEach((k, v) -> fields.put(k, v == null ? "" : expand(v)));
        }
        Expectation expect = null;
        if (s.get("expect") != null) {
            Map<String, Object> e = map(s.get("expect"), where + " expect");
            String lic = str(e, "licenses", null);
            String test = str(e, "test", null);
            String expires = str(e, "expires", null);
            String timeout = str(e, "timeout", null);
            expect = new Expectation(lic == null ? null : Integer.parseInt(lic), str(e, "status", null), str(e, "product", null),
                    test == null ? null : Boolean.parseBoolean(test), expires == null ? null : Period.parse(expires),
                    timeout == null ? Duration.ofSeconds(15) : Duration.parse("PT" + timeout.toUpperCase()));
        }
        String at = str(s, "at", null);
        String http = str(s, "expectHttp", null);
        String notification = str(s, "expectNotification", null);
        return new Step(str(s, "name", where), at == null ? null : Period.parse(at), channel, send, fields,
                http == null ? null : Integer.parseInt(http), expect,
                notification != null ? notification.trim().toUpperCase(java.util.Locale.ROOT)
                        : http != null && Integer.parseInt(http) >= 400 ? "REJECTED|FAILED" : null);
    }

    /** The last reference {@link #freshRef} handed out in this JVM. */
    private static final AtomicLong LAST_REF = new AtomicLong();

    /**
     * An order reference no earlier run used: 2Checkout's are 9 digits; ours stay clear of them. From the
     * clock (a millisecond and a random digit, so that separate runs differ), and never one this JVM handed
     * out before: calls within a millisecond, in a loop, would otherwise draw the same order again, which
     * the connector takes as a repeat of the first.
     */
    public static long freshRef() {
        long fromClock = 3_000_000_000L + System.currentTimeMillis() % 1_000_000_000L * 10 + ThreadLocalRandom.current().nextInt(10);
        return LAST_REF.accumulateAndGet(fromClock, (last, candidate) -> candidate > last ? candidate : last + 1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String where) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        return (Map<String, Object>) m;
    }

    static List<Object> list(Object o, String where) {
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException(where + ": expected a list");
        }
        return new ArrayList<>(l);
    }

    static String str(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : expand(v);
    }

    private static String expand(Object v) {
        return ConnectorConfigLoader.expand(String.valueOf(v));
    }
}
