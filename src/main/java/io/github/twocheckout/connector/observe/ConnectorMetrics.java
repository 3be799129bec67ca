package io.github.twocheckout.connector.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.twocheckout.connector.processing.IntakePriority;
import io.github.twocheckout.connector.processing.IntakeGroupCommit;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The connector's own metrics, next to Camel's on /observe/metrics: notifications by channel, message
 * type and outcome (counted as they finish), and from the database at each scrape: how many wait, how
 * long the oldest has waited (processing lag), how many are parked and how many dead-lettered; and
 * from memory, the calls being answered and the workers waiting for intake to calm down (so that
 * licenses late in a burst show why).
 */
public class ConnectorMetrics extends org.apache.camel.support.LifecycleStrategySupport
        implements CamelContextAware, io.github.twocheckout.connector.model.NotificationCounter {

    private final JdbcTemplate jdbc;
    private CamelContext camelContext;
    private volatile MeterRegistry registry;
    private IntakePriority intakePriority;

    public ConnectorMetrics(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Every documented metric exists from the start: an alert on the backlog or the dead letters needs them
     * on a fresh or stuck instance, before any notification has finished.
     */
    @Override
    public void onContextStarted(CamelContext context) {
        if (camelContext == null) {
            camelContext = context;
        }
        registry();
    }

    @Override
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

    // The gauges' queries run at every scrape, and the table grows without bound: each must be answered
    // from an index (partial indexes of the unfinished, parked and failed rows), never by reading the table.
    private static final String WAITING = "SELECT count(*) FROM notification WHERE status IN ('RECEIVED', 'PROCESSING')";
    private static final String PARKED = "SELECT count(*) FROM notification WHERE status = 'PARKED'";
    private static final String DEAD_LETTERED = "SELECT count(*) FROM notification WHERE status = 'FAILED'";
    private static final String LAG = """
            SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0) FROM notification
            WHERE status IN ('RECEIVED', 'PROCESSING')""";

    /** The statements behind the gauges (a test checks their plans). */
    public static List<String> gaugeQueries() {
        return List.of(WAITING, PARKED, DEAD_LETTERED, LAG);
    }

    private void gauges(MeterRegistry r) {
        Gauge.builder("connector_notifications_waiting", this, m -> m.value(WAITING))
                .description("Notifications acknowledged and not yet finished").register(r);
        Gauge.builder("connector_notifications_parked", this, m -> m.value(PARKED))
                .description("Notifications waiting for their order or subscription").register(r);
        Gauge.builder("connector_notifications_dead_lettered", this, m -> m.value(DEAD_LETTERED))
                .description("Notifications whose processing failed, awaiting a fix and a replay").register(r);
        Gauge.builder("connector_processing_lag_seconds", this, m -> m.value(LAG))
                .description("Age of the oldest notification not yet finished").register(r);
        if (intakePriority != null) {
            Gauge.builder("connector_intake_calls_in_flight", intakePriority, IntakePriority::inFlight)
                    .description("2Checkout calls being answered now").register(r);
            Gauge.builder("connector_processing_workers_yielding", intakePriority, IntakePriority::waitingWorkers)
                    .description("Processing workers waiting for a burst of calls to pass (processing.yield-to-intake-at)").register(r);
        }
        // Found here rather than injected: it is built after this bean, from the store that reports to it.
        IntakeGroupCommit groupCommit = camelContext == null ? null : camelContext.getRegistry().findSingleByType(IntakeGroupCommit.class);
        if (groupCommit != null) {
            FunctionCounter.builder("connector_intake_commits", groupCommit, IntakeGroupCommit::commits)
                    .description("Commits of acknowledged calls (calls that came in together share one)").register(r);
            FunctionCounter.builder("connector_intake_calls_committed", groupCommit, IntakeGroupCommit::callsCommitted)
                    .description("Acknowledged calls committed by those commits").register(r);
        }
    }

    public void setIntakePriority(IntakePriority intakePriority) {
        this.intakePriority = intakePriority;
    }

    private double value(String sql) {
        try {
            Number n = jdbc.queryForObject(sql, Number.class);
            return n == null ? 0 : n.doubleValue();
        } catch (RuntimeException e) {
            return Double.NaN; // database away: health says so
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
