package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The notification table is the only queue. What waits in memory is an empty wake-up signal, never the
 * notification or the request's exchange; the workers find their work in the table, however large the
 * backlog, and instances on one database share it without processing anything twice.
 */
class NotificationQueueTest {

    @Test
    void whatWaitsInMemoryIsAnEmptyWakeUpAndTheRowIsTheWork() throws Exception {
        try (RunningConnector c = RunningConnector.start()) {
            c.stopProcessing();
            InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            post(c, post);
            assertThat(c.notifications(post.saleId())).singleElement().satisfies(row -> assertThat(row.get("status")).isEqualTo("RECEIVED"));

            SedaEndpoint wake = c.context().getEndpoint("seda:notification-wake", SedaEndpoint.class);
            // The wire tap hands the signal over on a thread of its own.
            await().atMost(Duration.ofSeconds(5)).until(() -> !wake.getExchanges().isEmpty());
            for (Exchange signal : wake.getExchanges()) {
                assertThat(signal.getMessage().getBody()).isNull();
                assertThat(signal.getVariables()).isEmpty();
                assertThat(signal.getMessage().getHeaders()).isEmpty();
            }

            c.startProcessing();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(c.licenses(post.saleId())).hasSize(1));
            Map<String, Object> row = c.notifications(post.saleId()).get(0);
            assertThat(row.get("status")).isEqualTo("PROCESSED");
            assertThat(row.get("attempts")).isEqualTo(1);
        }
    }

    @Test
    void aBacklogFarLargerThanTheWakeUpsIsWorkedOffFromTheTable() throws Exception {
        try (RunningConnector c = RunningConnector.start(Map.of("processing.workers", "2", "processing.lot-size", "4"))) {
            c.stopProcessing();
            List<InsPost> posts = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
                post(c, post);
                posts.add(post);
            }
            // Two places for wake-ups, thirty rows.
            assertThat(c.context().getEndpoint("seda:notification-wake", SedaEndpoint.class).getCurrentQueueSize()).isLessThanOrEqualTo(2);

            // The workers alone, without the recovery poller's wake-ups.
            c.context().getRouteController().startRoute("notification-process");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (InsPost post : posts) {
                    assertThat(c.licenses(post.saleId())).as(post.saleId()).hasSize(1);
                }
            });
            for (InsPost post : posts) {
                Map<String, Object> row = c.notifications(post.saleId()).get(0);
                assertThat(row.get("status")).isEqualTo("PROCESSED");
                assertThat(row.get("attempts")).isEqualTo(1);
            }
        }
    }

    @Test
    void anInstanceThatDoesNotProcessAcknowledgesAndLeavesTheRowToTheOthers() throws Exception {
        try (RunningConnector intakeOnly = RunningConnector.start(Map.of("processing.enabled", "false"))) {
            for (String route : List.of("notification-process", "notification-recovery", "parked-report")) {
                assertThat(intakeOnly.context().getRouteController().getRouteStatus(route)).as(route).isEqualTo(ServiceStatus.Stopped);
            }
            InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            post(intakeOnly, post);
            assertThat(intakeOnly.notifications(post.saleId())).singleElement()
                    .satisfies(row -> assertThat(row.get("status")).isEqualTo("RECEIVED"));

            // An instance that processes, on the same database, finds the row when its recovery timer wakes a worker.
            try (RunningConnector worker = RunningConnector.start(Map.of("processing.recovery-interval-ms", "200"))) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(worker.licenses(post.saleId())).hasSize(1));
                assertThat(worker.notifications(post.saleId()).get(0).get("status")).isEqualTo("PROCESSED");
            }
        }
    }

    @Test
    void twoInstancesOnOneDatabaseShareTheWorkAndProcessEachNotificationOnce() throws Exception {
        Map<String, String> settings = Map.of("processing.workers", "4", "processing.lot-size", "4");
        try (RunningConnector a = RunningConnector.start(settings); RunningConnector b = RunningConnector.start(settings)) {
            List<InsPost> posts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
                post(i % 2 == 0 ? a : b, post);
                posts.add(post);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (InsPost post : posts) {
                    assertThat(a.notifications(post.saleId()).get(0).get("status")).as(post.saleId()).isEqualTo("PROCESSED");
                }
            });
            for (InsPost post : posts) {
                assertThat(a.licenses(post.saleId())).as(post.saleId()).hasSize(1);
                // One attempt committed: a second claim of the row would have found it done.
                assertThat(a.notifications(post.saleId()).get(0).get("attempts")).isEqualTo(1);
            }
        }
    }

    private static void post(RunningConnector c, InsPost post) {
        c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
    }
}
