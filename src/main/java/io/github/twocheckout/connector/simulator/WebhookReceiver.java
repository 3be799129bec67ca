package io.github.twocheckout.connector.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.twocheckout.connector.protocol.WebhookSignature;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A vendor's webhook receiver on 127.0.0.1, as the README tells vendors to write one: it verifies each
 * delivery's Standard Webhooks signature against the secret (5 minutes' tolerance), answers 204 to a
 * verified one and 401 to anything else, and prints what arrives. It can be down on demand (503), as a
 * vendor's system is now and then.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One delivery as received. */
    public record Delivery(String id, String timestamp, String signature, String body, boolean verified, int answered) {
    }

    private final HttpServer server;
    private final String secret;
    private final PrintStream out;
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    private WebhookReceiver(int port, String secret, PrintStream out) throws IOException {
        this.secret = secret;
        this.out = out;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static WebhookReceiver start(int port, String secret, PrintStream out) throws IOException {
        return new WebhookReceiver(port, secret, out);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/2checkout";
    }

    /** While down, every delivery is answered 503 (and recorded). */
    public void down(boolean down) {
        this.down.set(down);
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The verified deliveries' bodies, each id once, in the order they first arrived. */
    public List<String> verifiedBodies() {
        java.util.LinkedHashMap<String, String> seen = new java.util.LinkedHashMap<>();
        deliveries.stream().filter(d -> d.verified() && d.answered() < 300).forEach(d -> seen.putIfAbsent(d.id(), d.body()));
        return List.copyOf(seen.values());
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = http.getRequestHeaders().getFirst("webhook-id");
            String timestamp = http.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = http.getRequestHeaders().getFirst("webhook-signature");
            boolean verified = WebhookSignature.verify(secret, id, timestamp, body, signature, System.currentTimeMillis() / 1000, 300);
            int status = down.get() ? 503 : verified ? 204 : 401;
            deliveries.add(new Delivery(id, timestamp, signature, body, verified, status));
            if (out != null) {
                out.println(status + " " + id + (verified ? " signature ok " : " signature NOT valid ") + body);
            }
            http.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
