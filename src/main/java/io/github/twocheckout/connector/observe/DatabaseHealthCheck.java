package io.github.twocheckout.connector.observe;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the connector can store what it receives only while PostgreSQL answers. DOWN makes
 * /observe/health answer 503, so a load balancer stops sending 2Checkout's calls here; it comes back
 * UP by itself when the database does. Not a liveness check: restarting the connector would not help.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private static final java.util.concurrent.Executor PROBES = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "database-health-probe");
        t.setDaemon(true);
        return t;
    });

    private final DataSource dataSource;
    private long answerMillis = 1000;
    private CompletableFuture<String> running;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("connector", "database");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        // While the database is away, getting a connection waits for the pool's timeout (seconds): a
        // load balancer's probe would time out instead of reading DOWN. One probe runs at a time, and
        // the answer is DOWN when it has not come back within answerMillis.
        CompletableFuture<String> probe;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(this::probe, PROBES);
            }
            probe = running;
        }
        try {
            String problem = probe.get(answerMillis, TimeUnit.MILLISECONDS);
            if (problem == null) {
                builder.up();
            } else {
                builder.message(problem).down();
            }
        } catch (TimeoutException e) {
            builder.message("PostgreSQL did not answer within " + answerMillis + " ms").down();
        } catch (Exception e) {
            builder.message("PostgreSQL unavailable: " + e.getMessage()).down();
        }
    }

    /** Null when PostgreSQL answers, else what is wrong. */
    private String probe() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2) ? null : "PostgreSQL does not answer";
        } catch (Exception e) {
            return "PostgreSQL unavailable: " + e.getMessage();
        }
    }

    public void setAnswerMillis(long answerMillis) {
        this.answerMillis = answerMillis;
    }
}
