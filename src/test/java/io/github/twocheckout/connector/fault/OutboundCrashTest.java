package io.github.twocheckout.connector.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.protocol.WebhookSignature;
import io.github.twocheckout.connector.simulator.WebhookReceiver;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import io.github.twocheckout.connector.support.SignedPost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A license event committed but not yet delivered survives the connector's death: killed with SIGKILL
 * while the receiver is down, started again, the event arrives, once, with a valid signature.
 */
class OutboundCrashTest {

    @Test
    void anEventCommittedBeforeACrashIsDeliveredAfterTheRestartOnce() throws Exception {
        JdbcTemplate jdbc = SharedInfrastructure.jdbc();
        String secret = WebhookSignature.newSecret();
        try (WebhookReceiver receiver = WebhookReceiver.start(0, secret, null);
             ConnectorProcess c = ConnectorProcess.start("outbound-crash", SharedInfrastructure.jdbcUrl(),
                     Map.of("idn.enabled", "false", "events.max-attempts", "0"))) {
            receiver.down(true);
            Long destination = jdbc.queryForObject("""
                    INSERT INTO event_destination (connector_id, name, uri, secret)
                    SELECT c.id, ?, ?, ? FROM connector c WHERE c.code = 'hooli-app' RETURNING id""", Long.class,
                    "crash-" + SignedPost.nextNumber(), receiver.url(), secret);
            try {
                String order = String.valueOf(710_000_000L + SignedPost.nextNumber());
                SignedPost call = SignedPost.keygen(order, "8001", "HOO-PRO", 1).key("hooli-key-2026").set("MERCHANT", "HOOLI");
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.baseUrl() + "/2co/keygen?merchant=HOOLI"))
                        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(call.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                String code = jdbc.queryForObject("SELECT code FROM license WHERE order_ref = ?", String.class, order);

                // Committed, tried, not delivered: then the process dies.
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveries().stream()
                        .anyMatch(d -> d.answered() == 503 && d.body().contains(code)));
                c.kill();
                receiver.down(false);
                c.restart();

                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.verifiedBodies().stream().anyMatch(b -> b.contains(code)));
                assertThat(receiver.deliveries().stream().filter(d -> d.body().contains(code) && d.answered() == 204)).hasSize(1);
                assertThat(receiver.deliveries().stream().filter(d -> d.body().contains(code))).allMatch(WebhookReceiver.Delivery::verified);
                assertThat(jdbc.queryForObject("SELECT status FROM event_outbox WHERE destination_id = ?", String.class, destination))
                        .isEqualTo("SENT");
            } finally {
                jdbc.update("DELETE FROM event_destination WHERE id = ?", destination);
            }
        }
    }
}
