package io.github.twocheckout.connector.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.LicenseServer;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import io.github.twocheckout.connector.support.SignedPost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The connector dies (SIGKILL) while its call to the vendor's license server is in flight: started
 * again, it asks again with the same idempotency key, gets the same code, and issues one license.
 */
class CodeSourceCrashTest {

    @Test
    void aCrashBetweenTheCallAndStoringItsAnswerStillGivesOneLicense() throws Exception {
        JdbcTemplate jdbc = SharedInfrastructure.jdbc();
        try (LicenseServer server = new LicenseServer();
             ConnectorProcess c = ConnectorProcess.start("code-source-crash", SharedInfrastructure.jdbcUrl(),
                     Map.of("codes.lease-seconds", "2", "codes.timeout-ms", "30000", "idn.enabled", "false"))) {
            jdbc.update("UPDATE connector SET code_source = 'remote', code_source_uri = ? WHERE code = 'pied-remote'", server.url());
            try {
                server.hold = new CountDownLatch(1);
                String order = String.valueOf(740_000_000L + SignedPost.nextNumber());
                SignedPost ipn = SignedPost.ipn("PIED", "pied-key-2026", order, "COMPLETE").product("9004", "PIED-REMOTE", "Pied Remote", 1);
                HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.baseUrl() + "/2co/ipn"))
                        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(ipn.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ack.statusCode()).isEqualTo(200);

                // The license is reserved, the server is being asked: the process dies before it has the answer.
                await().atMost(Duration.ofSeconds(30)).until(() -> !server.calls.isEmpty() && server.calls.stream()
                        .anyMatch(call -> call.get("body").contains(order)));
                String key = server.calls.stream().filter(call -> call.get("body").contains(order)).findFirst().orElseThrow().get("key");
                c.kill();
                server.hold.countDown(); // the server makes the code and answers a connection nobody reads
                server.hold = null;

                c.restart();
                await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList(
                        "SELECT code FROM license WHERE order_ref = ?", String.class, order).size() == 1);
                List<String> codes = jdbc.queryForList("SELECT code FROM license WHERE order_ref = ?", String.class, order);
                assertThat(codes).containsExactly(server.codes.get(key));
                assertThat(server.callsFor(key)).isGreaterThanOrEqualTo(2);
                assertThat(server.codes).containsKey(key);
                assertThat(jdbc.queryForObject("SELECT status FROM notification WHERE order_ref = ? AND channel = 'IPN'", String.class, order))
                        .isEqualTo("PROCESSED");
            } finally {
                jdbc.update("UPDATE connector SET code_source = 'builtin', code_source_uri = NULL WHERE code = 'pied-remote'");
            }
        }
    }
}
