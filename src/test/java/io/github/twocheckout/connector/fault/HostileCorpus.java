package io.github.twocheckout.connector.fault;

import io.github.twocheckout.connector.simulator.Calls;
import io.github.twocheckout.connector.simulator.FormFields;
import io.github.twocheckout.connector.simulator.Scenario;
import io.github.twocheckout.connector.simulator.SimCall;
import io.github.twocheckout.connector.simulator.SimCustomer;
import io.github.twocheckout.connector.simulator.SimOrder;
import io.github.twocheckout.connector.simulator.SimProduct;
import io.github.twocheckout.connector.simulator.SimVendor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated corpus of malformed and hostile requests to the four 2Checkout endpoints: truncated,
 * oversized and binary bodies, invalid percent-encoding and UTF-8, huge and repeated fields, wrong
 * methods and content types, injection payloads in every field of a real message (which then no
 * longer matches its signature), real messages with one field altered, and old messages replayed.
 */
final class HostileCorpus {

    /**
     * One request. {@code replay}: its signed content is an authentic message sent before (an old message
     * again, a hostile query string around it, or garbage in a weaker signature field that the strongest
     * one overrides), so the right answer is the duplicate's 200, and nothing new happens.
     */
    record Request(String kind, String method, String path, String contentType, byte[] body, boolean replay, String forwardedFor) {
        Request(String kind, String method, String path, String contentType, byte[] body, boolean replay) {
            this(kind, method, path, contentType, body, replay, null);
        }
    }

    /** Where the calls of the world outside 2Checkout come from, behind the test's reverse proxy (X-Forwarded-For). */
    static final String OUTSIDE = "203.0.113.9";

    /** Fields that are not signed content: the weaker signatures, which a valid SHA3-256 one overrides. */
    private static boolean weakerSignature(String field) {
        return field.equals("HASH") || field.equals("SIGNATURE_SHA2_256");
    }

    private static final List<String> SIGNATURES = List.of("HASH", "SIGNATURE_SHA2_256", "SIGNATURE_SHA3_256");

    /**
     * True when a body cut at {@code cut} is still the authentic message: what was cut off is whole signature
     * fields, and what is left of the last one, if anything, is its whole name with an empty value or none
     * (an empty signature is no signature). The weaker signature it still carries verifies it: a repeat the connector
     * rightly answers.
     */
    private static boolean onlySignaturesCut(String body, int cut) {
        String kept = body.substring(0, cut);
        int amp = kept.lastIndexOf('&');
        String tail = kept.substring(amp + 1);
        boolean harmlessTail = tail.isEmpty() || SIGNATURES.stream().anyMatch(sig -> tail.equals(sig) || tail.equals(sig + "="));
        if (amp < 0 || !harmlessTail) {
            return false;
        }
        for (String field : body.substring(amp + 1).split("&")) {
            int eq = field.indexOf('=');
            if (eq < 0 || !SIGNATURES.contains(field.substring(0, eq))) {
                return false;
            }
        }
        return true;
    }

    private static String name(String line) {
        return line.substring(0, line.indexOf('='));
    }

    static final List<String> PAYLOADS = List.of("' OR '1'='1'; DROP TABLE license; --", "<script>alert(document.cookie)</script>",
            "\"><img src=x onerror=alert(1)>", "${jndi:ldap://127.0.0.1/x}", "../../../../etc/passwd", "%00%0d%0aSet-Cookie: x=1",
            "{{7*7}}${7*7}", "\\u0000\u202e", "🙂".repeat(50), "-1", "99999999999999999999999999", "NaN", "A".repeat(5000));

    /** Numbers a quantity field must not be read as: other scripts' digits, signs, out of range, not integers. */
    static final List<String> NUMBERS = List.of("٣", "３", "३", "-1", "+3", "0", "1001", "99999999999999999999", "1e3", "2.5", " 3 x");

    private final Random random = new Random(20261122);
    private final List<SimCall> authentic = new ArrayList<>();

    HostileCorpus(SimVendor vendor, List<SimProduct> products) {
        Calls calls = new Calls(vendor);
        for (int i = 0; i < 6; i++) {
            SimOrder order = new SimOrder(Scenario.freshRef() + i * 7919L, List.of(products.get(i % products.size())), SimCustomer.sample(),
                    "EUR", Instant.now(), false);
            authentic.add(calls.ins(order, "ORDER_CREATED", Instant.now(), new Calls.InsOptions("pass", null, null, null)));
            authentic.add(calls.ipn(order, Instant.now(), Calls.IpnOptions.of("COMPLETE", "APPROVED")));
            authentic.add(calls.keygen(order, 0, null));
            if (order.firstSubscriptionLine() >= 0) {
                authentic.add(calls.lcn(order, 0, "PAST_DUE", order.expiry(0, 1), Instant.now()));
            }
        }
    }

    /** Authentic calls, sent once before the corpus; the corpus replays some of them. */
    List<SimCall> authentic() {
        return authentic;
    }

    List<Request> generate(int atLeast) {
        List<Request> out = new ArrayList<>();
        while (out.size() < atLeast) {
            for (SimCall call : authentic) {
                String body = call.body();
                String path = call.path();
                String form = "application/x-www-form-urlencoded";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                // truncated at a random point
                int cut = 1 + random.nextInt(bytes.length - 1);
                out.add(new Request("truncated", "POST", path, form, java.util.Arrays.copyOf(bytes, cut),
                        call.channel() != SimCall.Channel.INS && onlySignaturesCut(body, cut)));
                // one field altered, signature kept
                out.add(new Request("one field altered", "POST", path, form, alter(call, random.nextInt(call.form().lines().size())), false));
                // injection payloads into every field in turn (the signature no longer matches)
                for (int f = 0; f < call.form().lines().size(); f += 3) {
                    boolean weaker = call.channel() != SimCall.Channel.INS && weakerSignature(name(call.form().lines().get(f)));
                    out.add(new Request("payload in field", "POST", path, form, inject(call, f, PAYLOADS.get(random.nextInt(PAYLOADS.size()))), weaker));
                }
                // payload in the query string, around an authentic body
                out.add(new Request("payload in query", "POST", call.channel().path + "?merchant=%3Cscript%3Ealert(1)%3C%2Fscript%3E", form, bytes, true));
                // invalid percent-encoding and invalid UTF-8
                out.add(new Request("invalid percent-encoding", "POST", path, form, (body + "&x=%ZZ%4").getBytes(StandardCharsets.UTF_8), false));
                byte[] badUtf8 = java.util.Arrays.copyOf(bytes, bytes.length + 3);
                badUtf8[bytes.length] = (byte) 0xC3;
                badUtf8[bytes.length + 1] = (byte) 0x28;
                badUtf8[bytes.length + 2] = (byte) 0xFF;
                out.add(new Request("invalid UTF-8", "POST", path, form, badUtf8, false));
                // NUL bytes and binary garbage
                byte[] garbage = new byte[200 + random.nextInt(2000)];
                random.nextBytes(garbage);
                out.add(new Request("binary garbage", "POST", path, form, garbage, false));
                // huge field (under the size limit), oversized body (over it)
                out.add(new Request("huge field", "POST", path, form, (body + "&NOTE=" + "x".repeat(60_000)).getBytes(StandardCharsets.UTF_8), false));
                out.add(new Request("oversized body", "POST", path, form, ("a=" + "y".repeat(70_000)).getBytes(StandardCharsets.UTF_8), false));
                // repeated scalar field
                out.add(new Request("repeated field", "POST", path, form, (body + "&" + call.form().lines().get(0)).getBytes(StandardCharsets.UTF_8), false));
                // wrong content types and methods
                out.add(new Request("wrong content type", "POST", path, "application/json", "{\"REFNO\":\"1\"}".getBytes(StandardCharsets.UTF_8), false));
                out.add(new Request("wrong content type", "POST", path, "text/xml", bytes, false));
                out.add(new Request("wrong content type", "POST", path, "multipart/form-data; boundary=x", bytes, false));
                for (String method : List.of("PUT", "DELETE", "PATCH", "OPTIONS")) {
                    out.add(new Request("wrong method", method, path, form, bytes, false));
                }
                if (call.channel() == SimCall.Channel.INS) {
                    out.add(new Request("wrong method", "GET", path, form, bytes, false));
                    // INS signs sale_id, vendor_id and invoice_id only: these copies verify. Numbers no person
                    // reads as a quantity are refused; retyped and redirected copies are answered (they are
                    // genuine as far as the hash goes) and must yield nothing.
                    for (String number : NUMBERS) {
                        out.add(new Request("non-ASCII, negative or huge number", "POST", path, form,
                                set(call, "item_quantity_1", number), false));
                    }
                    // Copies that would issue, renew or reach another order: answered, and they yield nothing.
                    for (String type : List.of("ORDER_CREATED", "FRAUD_STATUS_CHANGED", "RECURRING_INSTALLMENT_SUCCESS",
                            "INVOICE_STATUS_CHANGED", "SHIP_STATUS_CHANGED")) {
                        out.add(new Request("INS copy retyped and redirected", "POST", path, form, retyped(call, type), true));
                    }
                    // Copies that change the state of their own order (refund, fraud failure, billing stopped):
                    // a hash over three fields cannot tell them from 2Checkout's own, so the defence is the
                    // source allow-list (README, What each INS message does): from outside it they get 403.
                    for (String type : List.of("REFUND_ISSUED", "RECURRING_STOPPED", "RECURRING_INSTALLMENT_FAILED",
                            "RECURRING_RESTARTED")) {
                        out.add(new Request("INS copy retyped, from outside the allow-list", "POST", path, form, retyped(call, type),
                                false, OUTSIDE));
                    }
                    out.add(new Request("INS copy retyped, from outside the allow-list", "POST", path, form,
                            retyped(call, "FRAUD_STATUS_CHANGED", "fail"), false, OUTSIDE));
                }
                // empty body, no signature at all
                out.add(new Request("empty body", "POST", path, form, new byte[0], false));
                out.add(new Request("no signature", "POST", path, form, strip(call).getBytes(StandardCharsets.UTF_8), false));
                // an old, authentic message again
                out.add(new Request("old message replayed", "POST", path, form, bytes, true));
            }
        }
        return out;
    }

    private static byte[] alter(SimCall call, int index) {
        FormFields f = call.form().copy();
        String line = f.lines().get(index);
        String name = line.substring(0, line.indexOf('='));
        if (name.startsWith("HASH") || name.startsWith("SIGNATURE") || name.equals("md5_hash")) {
            name = f.lines().get(0).substring(0, f.lines().get(0).indexOf('='));
        }
        f.set(name, (f.get(name) == null ? "" : f.get(name)) + "1");
        return f.encode().getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of a real INS message as another type, pointed at another order, with more units and another buyer. */
    private byte[] retyped(SimCall call, String type) {
        return retyped(call, type, "pass");
    }

    private byte[] retyped(SimCall call, String type, String fraudStatus) {
        FormFields f = call.form().copy();
        f.set("message_type", type);
        f.set("message_id", String.valueOf(random.nextInt(1_000_000_000)));
        f.set("order_ref", String.valueOf(100_000_000 + random.nextInt(800_000_000)));
        f.set("item_quantity_1", String.valueOf(2 + random.nextInt(999)));
        f.set("item_type_1", type.equals("REFUND_ISSUED") ? "refund" : "bill");
        f.set("item_recurrence_1", "99 Year");
        f.set("customer_email", "mallory@example.com");
        f.set("fraud_status", fraudStatus);
        return f.encode().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] set(SimCall call, String field, String value) {
        FormFields f = call.form().copy();
        f.set(field, value);
        return f.encode().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] inject(SimCall call, int index, String payload) {
        FormFields f = call.form().copy();
        String line = f.lines().get(index);
        f.set(line.substring(0, line.indexOf('=')), payload);
        return f.encode().getBytes(StandardCharsets.UTF_8);
    }

    private static String strip(SimCall call) {
        FormFields f = call.form().copy();
        for (String s : List.of("HASH", "SIGNATURE_SHA2_256", "SIGNATURE_SHA3_256", "md5_hash")) {
            f.remove(s);
        }
        return f.encode();
    }
}
