package io.github.twocheckout.connector.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The connector's own metrics, next to Camel's on /observe/metrics: notifications by channel, message
 * type and outcome (counted as they finish), and from the database at each scrape: how many wait, how
 * long the oldest has waited (processing lag), how many are parked and how many dead-lettered.
 */
public class ConnectorMetrics implements CamelContextAware {

    private final JdbcTemplate jdbc;
    private CamelContext camelContext;
    private volatile MeterRegistry registry;

    public ConnectorMetrics(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** One notification finished (or was rejected): status PROCESSED, IGNORED, PARKED, FAILED or REJECTED. */
    public void finished(String channel, String messageType, String status) {
        MeterRegistry r = registry();
        if (r == null) {
            return;
        }
        Counter.builder("connector_notifications").description("Notifications by channel, message type and outcome")
                .tag("channel", channel == null ? "" : channel).tag("type", messageType == null ? "" : messageType)
                .tag("status", status == null ? "" : status).register(r).increment();
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null && camelContext != null) {
            synchronized (this) {
                r = registry;
                if (r == null) {
                    r = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
                    if (r != null) {
                        gauges(r);
                        registry = r;
                    }
                }
            }
        }
        return r;
    }

    private void gauges(MeterRegistry r) {
        Gauge.builder("connector_notifications_waiting", this, m -> m.count("status IN ('RECEIVED', 'PROCESSING')"))
                .description("Notifications acknowledged and not yet finished").register(r);
        Gauge.builder("connector_notifications_parked", this, m -> m.count("status = 'PARKED'"))
                .description("Notifications waiting for their order or subscription").register(r);
        Gauge.builder("connector_notifications_dead_lettered", this, m -> m.count("status = 'FAILED'"))
                .description("Notifications whose processing failed, awaiting a fix and a replay").register(r);
        Gauge.builder("connector_processing_lag_seconds", this, ConnectorMetrics::lag)
                .description("Age of the oldest notification not yet finished").register(r);
    }

    private double count(String where) {
        try {
            Long n = jdbc.queryForObject("SELECT count(*) FROM notification WHERE " + where, Long.class);
            return n == null ? 0 : n;
        } catch (RuntimeException e) {
            return Double.NaN; // database away: health says so
        }
    }

    private double lag() {
        try {
            Double s = jdbc.queryForObject("""
                    SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0) FROM notification
                    WHERE status IN ('RECEIVED', 'PROCESSING')""", Double.class);
            return s == null ? 0 : s;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
