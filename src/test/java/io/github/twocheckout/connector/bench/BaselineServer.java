package io.github.twocheckout.connector.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.twocheckout.connector.protocol.InsSignature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bare limit of durable ingest on this machine: a minimal Vert.x server that verifies the INS
 * md5_hash and inserts the raw notification into PostgreSQL (committed, fsync on) before answering 200.
 * Nothing else: no duplicate check, no vendor lookup, no queue. The benchmark compares the connector
 * against it.
 */
final class BaselineServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HikariDataSource pool;
    private final HttpServer server;

    BaselineServer(String jdbcUrl, int port, String vendorId, String secretWord) throws Exception {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername("postgres");
        c.setMaximumPoolSize(10);
        pool = new HikariDataSource(c);
        try (Connection conn = pool.getConnection()) {
            conn.createStatement().execute("CREATE TABLE IF NOT EXISTS baseline_notification (id BIGSERIAL PRIMARY KEY, "
                    + "raw_body TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
            String raw = buf.toString(StandardCharsets.UTF_8);
            vertx.<Integer>executeBlocking(() -> {
                Map<String, String> f = new HashMap<>();
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        f.putIfAbsent(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
                String expected = InsSignature.compute(f.get("sale_id"), vendorId, f.get("invoice_id"), secretWord);
                if (!expected.equalsIgnoreCase(f.getOrDefault("md5_hash", ""))) {
                    return 403;
                }
                try (Connection conn = pool.getConnection();
                     PreparedStatement ps = conn.prepareStatement("INSERT INTO baseline_notification (raw_body) VALUES (?)")) {
                    ps.setString(1, raw);
                    ps.executeUpdate();
                }
                return 200;
            }, false).onComplete(r -> req.response().setStatusCode(r.succeeded() ? r.result() : 503).end(r.succeeded() && r.result() == 200 ? "OK" : "no"));
        })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        pool.close();
    }
}
