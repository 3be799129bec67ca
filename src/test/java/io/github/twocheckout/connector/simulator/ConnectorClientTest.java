package io.github.twocheckout.connector.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The simulator's HTTP client against bare local servers: the answer it got, one kept-alive connection
 * for a run of calls (error answers included, whose body must be read for that), and the kind of each
 * failure the load mode counts.
 */
class ConnectorClientTest {

    private static final SimVendor VENDOR = new SimVendor("1001", "ACME", "tango-acme", "acme-key-2026");
    private static final SimProduct PRO = new SimProduct("5001", "ACME-PRO", "ACME Pro", 1, new BigDecimal("129.00"), null);

    @Test
    void callsInARowShareOneKeptAliveConnectionErrorAnswersIncluded() throws Exception {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/2co/ins", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            // Every other call is refused, with a body: it has to be read for the connection to be kept.
            boolean refuse = calls.incrementAndGet() % 2 == 0;
            byte[] answer = (refuse ? "hash does not match" : "").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(refuse ? 403 : 200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            ConnectorClient client = new ConnectorClient("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5));
            for (int i = 1; i <= 6; i++) {
                CallResult r = client.send(insCall());
                if (i % 2 == 0) {
                    assertThat(r.status()).isEqualTo(403);
                    assertThat(r.kind()).isEqualTo("http-403");
                    assertThat(r.problem()).contains("wrong secret");
                } else {
                    assertThat(r.ok()).as(r.problem()).isTrue();
                    assertThat(r.status()).isEqualTo(200);
                }
            }
            assertThat(calls).hasValue(6);
            assertThat(clientPorts).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void nothingListeningIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        CallResult r = new ConnectorClient("http://127.0.0.1:" + port, Duration.ofSeconds(2)).send(insCall());
        assertThat(r.ok()).isFalse();
        assertThat(r.kind()).isEqualTo("connect");
        assertThat(r.problem()).contains("cannot connect to http://127.0.0.1:" + port);
    }

    @Test
    void aServerThatNeverAnswersIsATimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket accepted = silent.accept()) {
                    accepted.getInputStream().readAllBytes(); // reads, never answers, until the client gives up
                } catch (IOException ignored) {
                    // the client closed the connection
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            CallResult r = new ConnectorClient("http://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(500)).send(insCall());
            assertThat(r.ok()).isFalse();
            assertThat(r.kind()).isEqualTo("timeout");
            assertThat(r.status()).isZero();
        }
    }

    private static SimCall insCall() {
        SimOrder order = new SimOrder(Scenario.freshRef(), List.of(PRO), SimCustomer.sample(), "EUR", Instant.now(), false);
        return new Calls(VENDOR).ins(order, "ORDER_CREATED", Instant.now(), new Calls.InsOptions("pass", null, null, null));
    }
}
