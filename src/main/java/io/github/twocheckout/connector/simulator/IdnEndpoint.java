package io.github.twocheckout.connector.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.HmacSignature;
import io.github.twocheckout.connector.protocol.IdnMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 2Checkout's IDN endpoint, played on 127.0.0.1: checks the form's signature with the merchant's secret
 * key (the length-prefixed values of every field before the signature field, in the order posted),
 * answers {@code <EPAYMENT>ORDER_REF|CODE|MESSAGE|IDN_DATE|HASH</EPAYMENT>} as 2Checkout does (1
 * Confirmed; an order confirmed before: 7 ORDER_ALREADY_CONFIRMED), and fails on demand: the next N
 * calls answer HTTP 503.
 */
public final class IdnEndpoint implements AutoCloseable {

    /** One call as received: the form in order, and whether its signature was the merchant's. */
    public record Call(Map<String, String> form, boolean signatureValid, int httpStatus, String answer) {
    }

    private final HttpServer server;
    private final Map<String, String> secretKeys;
    private final HmacAlgorithm algorithm;
    private final String signatureField;
    private final AtomicInteger failNext = new AtomicInteger();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> confirmed = new java.util.concurrent.ConcurrentHashMap<>();
    private final PrintStream out;

    private IdnEndpoint(int port, Map<String, String> secretKeys, HmacAlgorithm algorithm, String signatureField, PrintStream out)
            throws IOException {
        this.secretKeys = Map.copyOf(secretKeys);
        this.algorithm = algorithm;
        this.signatureField = signatureField;
        this.out = out;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/order/idn.php", this::handle);
        server.start();
    }

    /** Starts on 127.0.0.1 (port 0: any free one); secretKeys by merchant code. */
    public static IdnEndpoint start(int port, Map<String, String> secretKeys, HmacAlgorithm algorithm, String signatureField,
                                    PrintStream out) throws IOException {
        return new IdnEndpoint(port, secretKeys, algorithm, signatureField, out);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/order/idn.php";
    }

    /** The next {@code n} calls answer 503 (2Checkout unavailable). */
    public void failNext(int n) {
        failNext.set(n);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = parse(body);
            if (!"POST".equals(http.getRequestMethod())) {
                respond(http, form, false, 405, "POST only");
                return;
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(http, form, false, 503, "Service Unavailable");
                return;
            }
            String secret = secretKeys.get(form.getOrDefault("MERCHANT", ""));
            List<String> signed = new ArrayList<>();
            for (Map.Entry<String, String> e : form.entrySet()) {
                if (e.getKey().equals(signatureField)) {
                    break;
                }
                signed.add(e.getValue());
            }
            boolean valid = secret != null && HmacSignature.hexEquals(HmacSignature.hmacHex(algorithm, secret, signed), form.get(signatureField));
            String orderRef = form.getOrDefault("ORDER_REF", "");
            String code;
            String message;
            if (!valid) {
                code = "8";
                message = "Invalid signature";
            } else if (confirmed.putIfAbsent(secret + "|" + orderRef, true) != null) {
                code = "7";
                message = "ORDER_ALREADY_CONFIRMED";
            } else {
                code = "1";
                message = "Confirmed";
            }
            String date = IdnMessage.now();
            String hash = secret == null ? "" : IdnMessage.Answer.sign(algorithm, secret, orderRef, code, message, date);
            respond(http, form, valid, 200, "<EPAYMENT>" + orderRef + "|" + code + "|" + message + "|" + date + "|" + hash + "</EPAYMENT>");
        }
    }

    private void respond(HttpExchange http, Map<String, String> form, boolean valid, int status, String answer) throws IOException {
        calls.add(new Call(form, valid, status, answer));
        if (out != null) {
            out.println("IDN " + status + " order " + form.get("ORDER_REF") + " " + form.get("ORDER_AMOUNT") + " "
                    + form.get("ORDER_CURRENCY") + (valid ? " signature ok" : " signature NOT valid") + " -> " + answer);
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "text/html; charset=UTF-8");
        http.sendResponseHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(k, v);
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
