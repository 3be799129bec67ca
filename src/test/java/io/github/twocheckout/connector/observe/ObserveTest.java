package io.github.twocheckout.connector.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The management port: health, and Prometheus metrics with the connector's own figures. */
class ObserveTest extends ConnectorTestBase {

    private String metrics() {
        return RestAssured.get(connector.managementUrl() + "/observe/metrics").then().statusCode(200).extract().asString();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** The backlog gauges exist from the start, before any notification finished: what an alert needs on a stuck instance. */
    @Test
    void everyDocumentedGaugeIsThereBeforeTheFirstNotification() throws Exception {
        try (io.github.twocheckout.connector.support.RunningConnector fresh =
                     io.github.twocheckout.connector.support.RunningConnector.start(java.util.Map.of("processing.enabled", "false"))) {
            String metrics = RestAssured.get(fresh.managementUrl() + "/observe/metrics").then().statusCode(200).extract().asString();
            for (String gauge : java.util.List.of("connector_notifications_waiting", "connector_notifications_parked",
                    "connector_notifications_dead_lettered", "connector_processing_lag_seconds", "connector_intake_calls_in_flight")) {
                assertThat(value(metrics, gauge)).as(gauge).isGreaterThanOrEqualTo(0);
            }
        }
    }

    /** The log: one line per notification with its id, channel, type, order and outcome, and no secret. */
    @Test
    void oneLogLinePerNotificationWithoutSecrets() {
        try (io.github.twocheckout.connector.support.LogCapture log = new io.github.twocheckout.connector.support.LogCapture()) {
            java.util.List<String> lines = log.lines();
            InsPost order = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            long id = ((Number) deliver(order, 1).get(0).get("id")).longValue();
            connector.http().contentType("application/x-www-form-urlencoded").body(InsPost.acme("ORDER_CREATED")
                    .item("ACME-PRO", "ACME Pro").secretWord("wrong").body()).post("/2co/ins").then().statusCode(403);
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("status=REJECTED")));
            assertThat(lines).filteredOn(l -> l.contains("notification=" + id + " ")).hasSize(1).first().asString()
                    .contains("channel=INS", "type=ORDER_CREATED", "order=" + order.saleId(), "status=PROCESSED", "outcome=\"issued 1 license");
            assertThat(log.text()).doesNotContain("tango-acme", "acme-key-2026", "md5_hash=");
        }
    }

    @Test
    void metricsCountNotificationsByChannelTypeAndOutcome() {
        deliver(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro"), 1);
        connector.http().contentType("application/x-www-form-urlencoded").body(InsPost.acme("ORDER_CREATED")
                .item("ACME-PRO", "ACME Pro").secretWord("wrong").body()).post("/2co/ins").then().statusCode(403);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String m = metrics();
            assertThat(value(m, "connector_notifications_total{channel=\"INS\",status=\"PROCESSED\",type=\"ORDER_CREATED\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(m, "connector_notifications_total{channel=\"INS\",status=\"REJECTED\",type=\"\"}")).isGreaterThanOrEqualTo(1);
        });
        String m = metrics();
        assertThat(value(m, "connector_notifications_waiting")).isGreaterThanOrEqualTo(0);
        assertThat(value(m, "connector_notifications_parked")).isGreaterThanOrEqualTo(0);
        assertThat(value(m, "connector_notifications_dead_lettered")).isGreaterThanOrEqualTo(0);
        assertThat(value(m, "connector_processing_lag_seconds")).isGreaterThanOrEqualTo(0);
        // No call is being answered while the metrics are read, and no worker waits for one.
        assertThat(value(m, "connector_intake_calls_in_flight")).isZero();
        assertThat(value(m, "connector_processing_workers_yielding")).isZero();
        // The two calls above were committed: the accepted one in a commit of intake's, the rejected one apart.
        assertThat(value(m, "connector_intake_commits_total")).isGreaterThanOrEqualTo(1);
        assertThat(value(m, "connector_intake_calls_committed_total")).isGreaterThanOrEqualTo(value(m, "connector_intake_commits_total"));
        assertThat(m).contains("camel_exchanges_total").doesNotContain("tango-acme", "acme-key-2026");
        RestAssured.get(connector.managementUrl() + "/observe/health").then().statusCode(200);
        // Liveness leaves the database out (a restart would not bring it back); readiness includes it.
        RestAssured.get(connector.managementUrl() + "/observe/health/live").then().statusCode(200);
        String ready = RestAssured.get(connector.managementUrl() + "/observe/health/ready?exposureLevel=full")
                .then().statusCode(200).extract().asString();
        assertThat(ready).contains("database");
    }

    /**
     * Every gauge is answered from an index: the queries run at every scrape, and a table of millions of
     * notifications read in full each time would make the scrape take seconds. With sequential scans
     * made as expensive as the planner allows, a query that no index can answer still shows one, or a filter over an index that does not select its rows.
     */
    @Test
    void everyGaugeIsAnsweredFromAnIndex() {
        for (String sql : io.github.twocheckout.connector.observe.ConnectorMetrics.gaugeQueries()) {
            String plan = connector.jdbc().execute((org.springframework.jdbc.core.ConnectionCallback<String>) c -> {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("SET enable_seqscan = off");
                    StringBuilder lines = new StringBuilder();
                    try (java.sql.ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
                        while (rs.next()) {
                            lines.append(rs.getString(1)).append('\n');
                        }
                    } finally {
                        s.execute("RESET enable_seqscan");
                    }
                    return lines.toString();
                }
            });
            // An index that does not select the rows (a full scan of the primary key, filtered) is no better.
            assertThat(plan).as(sql).doesNotContain("Seq Scan", "Filter:").contains("notification_");
        }
    }
}
