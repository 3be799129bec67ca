package io.github.twocheckout.connector.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.twocheckout.connector.support.RunningConnector;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A stop while a destination answers slowly: the connector does not hold up its stop delivering the rest
 * of what it claimed; that waits for the claim's lease and goes after the restart, each event once.
 */
class EventOutboxStopTest {

    @Test
    void aStopWhileADestinationIsSlowLeavesTheRestForTheRestartAndDeliversEachEventOnce() throws Exception {
        String run = "stop-" + UUID.randomUUID();
        int backlog = 60;
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        HttpServer destination = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        destination.createContext("/hooks", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            try {
                Thread.sleep(100); // a destination that takes its time: the backlog takes it 6 s
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        destination.start();
        Long destinationId = null;
        RunningConnector first = RunningConnector.start();
        try {
            Long connectorId = first.jdbc().queryForObject("SELECT min(id) FROM connector", Long.class);
            destinationId = first.jdbc().queryForObject(
                    "INSERT INTO event_destination (connector_id, name, uri) VALUES (?, ?, ?) RETURNING id", Long.class,
                    connectorId, run, "http://127.0.0.1:" + destination.getAddress().getPort() + "/hooks");
            for (int i = 0; i < backlog; i++) {
                first.jdbc().update("INSERT INTO event_outbox (destination_id, event_id, event_type, payload) VALUES (?, ?, 'license.issued', '{}')",
                        destinationId, run + ":" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ours(received, run).size() >= 5);
            first.close();
            // The stop did not wait for the slow destination: the rest is still due.
            assertThat(ours(received, run).size()).isLessThan(backlog);

            try (RunningConnector second = RunningConnector.start()) {
                long id = destinationId;
                await().atMost(Duration.ofSeconds(60)).until(() -> second.jdbc().queryForObject(
                        "SELECT count(*) FROM event_outbox WHERE destination_id = ? AND status = 'SENT'", Integer.class, id) == backlog);
            }
            assertThat(ours(received, run)).hasSize(backlog).doesNotHaveDuplicates();
        } finally {
            first.close();
            if (destinationId != null) {
                // Other tests' license events would go on trying this destination once it is gone.
                io.github.twocheckout.connector.support.SharedInfrastructure.jdbc()
                        .update("DELETE FROM event_destination WHERE id = ?", destinationId);
            }
            destination.stop(0);
        }
    }

    private static List<String> ours(List<String> received, String run) {
        synchronized (received) {
            return received.stream().filter(id -> id != null && id.startsWith(run + ":")).toList();
        }
    }
}
