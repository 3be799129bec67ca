package io.github.twocheckout.connector.support;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A vendor's license server on 127.0.0.1 (code source remote): one code per idempotency key, whatever
 * the number of calls; it fails the next N calls (500), answers the next N slowly (3 s), or holds calls
 * until released, on demand.
 */
public final class LicenseServer implements AutoCloseable {
    final HttpServer server;
    /** While set, calls wait for it to count down before they are answered. */
    public volatile java.util.concurrent.CountDownLatch hold;
    public final Map<String, String> codes = new ConcurrentHashMap<>();
    public final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
    public final AtomicInteger failNext = new AtomicInteger();
    public final AtomicInteger slowNext = new AtomicInteger();
    public final AtomicInteger issued = new AtomicInteger();

    public LicenseServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/codes", http -> {
            try (http) {
                String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String key = http.getRequestHeaders().getFirst("Idempotency-Key");
                calls.add(Map.of("key", String.valueOf(key), "body", body));
                if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    http.sendResponseHeaders(500, -1);
                    return;
                }
                if (slowNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    try {
                        Thread.sleep(3000); // past codes.timeout-ms of the test profile
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                java.util.concurrent.CountDownLatch held = hold;
                if (held != null) {
                    try {
                        held.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                String code = codes.computeIfAbsent(key, k -> "SRV-" + issued.incrementAndGet() + "-" + Math.abs(k.hashCode()));
                byte[] answer = ("{\"code\": \"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
                http.getResponseHeaders().set("Content-Type", "application/json");
                http.sendResponseHeaders(200, answer.length);
                http.getResponseBody().write(answer);
            } catch (java.io.IOException e) {
                // the connector gave up waiting
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/codes";
    }

    public long callsFor(String key) {
        return calls.stream().filter(c -> key.equals(c.get("key"))).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
