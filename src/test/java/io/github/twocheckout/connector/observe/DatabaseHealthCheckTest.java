package io.github.twocheckout.connector.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Health answers DOWN promptly while PostgreSQL hangs, instead of after the pool's connection timeout. */
class DatabaseHealthCheckTest {

    @Test
    void aDatabaseThatDoesNotAnswerIsDownWithinTheAnswerTime() throws Exception {
        // A server that accepts connections and never says a word: what a hung PostgreSQL looks like.
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             DefaultCamelContext context = new DefaultCamelContext()) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/connector");
            config.setConnectionTimeout(5000);
            config.setInitializationFailTimeout(-1);
            try (HikariDataSource dataSource = new HikariDataSource(config)) {
                DatabaseHealthCheck check = new DatabaseHealthCheck(dataSource);
                check.setCamelContext(context);
                check.setAnswerMillis(500);
                long start = System.nanoTime();
                HealthCheck.Result result = check.call();
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
                assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("did not answer within 500 ms"));
                // The pool would have waited 5 s; a load balancer's probe gets its answer well before.
                assertThat(millis).isLessThan(4000);
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
