package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.protocol.InsIntake;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decisions of the processing routes, specified at the level of the routes with Camel's test
 * support: which handler each message type reaches (mock endpoints in place of the handlers), and the
 * dead-letter rule of routeConfigurations lot-errors and processing-errors (a step woven into the route
 * that fails the way the database or a bug would).
 */
class ProcessingRoutesTest {

    private static RunningConnector connector;
    /** What the woven step throws for the order in {@link #failingOrder}; null: nothing. */
    private static volatile RuntimeException failure;
    private static volatile String failingOrder;
    private static final AtomicInteger failures = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        connector = RunningConnector.start();
        // After the attempt's report is made (notification-handle), before the message type's handler.
        AdviceWith.adviceWith(connector.context(), "notification-handle", route -> route.weaveByToUri("direct:ins-dispatch").before().process(exchange -> {
            StoredNotification n = exchange.getVariable("notification", StoredNotification.class);
            RuntimeException f = failure;
            if (f != null && n.getOrderRef().equals(failingOrder)) {
                failures.incrementAndGet();
                throw f;
            }
        }));
    }

    @AfterAll
    static void stop() throws Exception {
        connector.close();
    }

    @Test
    void eachInsMessageTypeReachesItsHandler() throws Exception {
        Map<String, String> handlers = Map.of(
                "ORDER_CREATED", "ins-order-created",
                "FRAUD_STATUS_CHANGED", "ins-fraud-status-changed",
                "INVOICE_STATUS_CHANGED", "ins-invoice-status-changed",
                "REFUND_ISSUED", "ins-refund-issued",
                "RECURRING_INSTALLMENT_SUCCESS", "ins-recurring-installment-success",
                "RECURRING_INSTALLMENT_FAILED", "ins-recurring-installment-failed",
                "RECURRING_STOPPED", "ins-recurring-stopped",
                "RECURRING_COMPLETE", "ins-recurring-complete",
                "RECURRING_RESTARTED", "ins-recurring-restarted");
        AdviceWith.adviceWith(connector.context(), "ins-dispatch", route -> route.mockEndpointsAndSkip(
                handlers.values().stream().map(h -> "direct:" + h).toArray(String[]::new)));
        InsIntake intake = connector.context().getRegistry().lookupByNameAndType("insIntake", InsIntake.class);
        for (Map.Entry<String, String> h : handlers.entrySet()) {
            MockEndpoint handler = connector.context().getEndpoint("mock:direct:" + h.getValue(), MockEndpoint.class);
            handler.reset();
            handler.expectedMessageCount(1);
            dispatch(intake, InsPost.acme(h.getKey()).item("ACME-PRO", "ACME Pro"));
            handler.assertIsSatisfied(5_000);
        }
        // No handler for these: recorded or ignored on the report, never a failure.
        for (String type : List.of("SHIP_STATUS_CHANGED", "NO_SUCH_TYPE")) {
            ProcessingReport report = dispatch(intake, InsPost.acme(type).item("ACME-PRO", "ACME Pro"));
            assertThat(report.getStatus()).isEqualTo("SHIP_STATUS_CHANGED".equals(type) ? "PROCESSED" : "IGNORED");
        }
    }

    private static ProcessingReport dispatch(InsIntake intake, InsPost post) {
        DefaultExchange exchange = new DefaultExchange(connector.context());
        ProcessingReport report = new ProcessingReport();
        exchange.setVariable("ins", intake.parse(post.body()));
        exchange.setVariable("report", report);
        connector.context().createProducerTemplate().send("direct:ins-dispatch", exchange);
        assertThat(exchange.getException()).isNull();
        return report;
    }

    @Test
    void aDatabaseThatCannotBeReachedLeavesTheNotificationWaitingAndAnyOtherFailureDeadLettersIt() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        failingOrder = post.saleId();
        failures.set(0);
        failure = new org.springframework.jdbc.CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        try {
            post(post);
            // Tried again at every wake-up of the recovery timer, and never dead-lettered.
            await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() >= 3);
            Map<String, Object> row = connector.notifications(post.saleId()).get(0);
            assertThat(row.get("status")).isEqualTo("RECEIVED");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(errorMails(row)).isZero();

            // A bug: the lot is rolled back, the notification processed alone, redelivered twice (test profile),
            // dead-lettered: FAILED with the error, and one error email.
            NotifyBuilder deadLettered = new NotifyBuilder(connector.context()).wereSentTo("direct:notification-dead-letter").whenDone(1).create();
            failure = new IllegalStateException("a bug in a handler");
            assertThat(deadLettered.matches(20, TimeUnit.SECONDS)).isTrue();
            row = connector.notifications(post.saleId()).get(0);
            assertThat(row.get("status")).isEqualTo("FAILED");
            assertThat(row.get("attempts")).isEqualTo(3);
            assertThat((String) row.get("last_error")).contains("a bug in a handler");
            assertThat(errorMails(row)).isEqualTo(1);
        } finally {
            failure = null;
        }
    }

    private static int errorMails(Map<String, Object> row) {
        return connector.jdbc().queryForObject("SELECT count(*) FROM mail_outbox WHERE notification_id = ? AND kind = 'processing-error'",
                Integer.class, row.get("id"));
    }

    private static void post(InsPost post) {
        connector.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
    }
}
