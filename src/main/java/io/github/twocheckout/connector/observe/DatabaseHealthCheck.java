package io.github.twocheckout.connector.observe;

import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the connector can store what it receives only while PostgreSQL answers. DOWN makes
 * /observe/health answer 503, so a load balancer stops sending 2Checkout's calls here; it comes back
 * UP by itself when the database does. Not a liveness check: restarting the connector would not help.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

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
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(2)) {
                builder.up();
            } else {
                builder.message("PostgreSQL does not answer").down();
            }
        } catch (Exception e) {
            builder.message("PostgreSQL unavailable: " + e.getMessage()).down();
        }
    }
}
