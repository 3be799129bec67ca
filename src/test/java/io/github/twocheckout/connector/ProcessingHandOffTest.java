package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;

/**
 * What waits in the in-memory hand-off to the workers is the notification id and nothing else. A copy
 * of the request's exchange would hold its raw body and parsed message for as long as the id waits:
 * under a backlog of thousands that filled the heap and forced full collections.
 */
class ProcessingHandOffTest {

    @Test
    void onlyTheIdWaitsForTheWorkersAndIsProcessedOnceTheyRun() throws Exception {
        try (RunningConnector c = RunningConnector.start()) {
            // No worker takes anything while the route is stopped: the hand-off keeps what intake queued.
            c.context().getRouteController().stopRoute("notification-process");
            InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
            long id = ((Number) c.notifications(post.saleId()).get(0).get("id")).longValue();

            SedaEndpoint queue = c.context().getEndpoint("seda:notification-process", SedaEndpoint.class);
            List<Exchange> waiting = queue.getExchanges();
            assertThat(waiting).singleElement().satisfies(e -> {
                assertThat(e.getMessage().getBody()).isEqualTo(id);
                assertThat(e.getVariables()).isEmpty();
                assertThat(e.getMessage().getHeaders()).isEmpty();
            });

            c.context().getRouteController().startRoute("notification-process");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(c.licenses(post.saleId())).hasSize(1));
            Map<String, Object> row = c.notifications(post.saleId()).get(0);
            assertThat(row.get("status")).isEqualTo("PROCESSED");
            assertThat(row.get("attempts")).isEqualTo(1);
        }
    }

    @Test
    void aBacklogLargerThanTheHandOffIsQueuedAgainAsSoonAsThereIsRoom() throws Exception {
        // A hand-off of 4 places, and rows that would count as stalled only after an hour: the rows it
        // drops must come back from the database as soon as the workers have room, not an hour later.
        try (RunningConnector c = RunningConnector.start(Map.of("processing.queue-size", "4",
                "processing.recovery-interval-ms", "200", "processing.stall-seconds", "3600"))) {
            c.context().getRouteController().stopRoute("notification-process");
            List<InsPost> posts = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
                c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
                posts.add(post);
            }
            // Every call was acknowledged, four wait in the hand-off, the others in the database only.
            assertThat(c.context().getEndpoint("seda:notification-process", SedaEndpoint.class).getCurrentQueueSize()).isEqualTo(4);

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
            intakeOnly.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
            assertThat(intakeOnly.notifications(post.saleId())).singleElement()
                    .satisfies(row -> assertThat(row.get("status")).isEqualTo("RECEIVED"));
            // Nothing queued in memory for workers that do not run here.
            assertThat(intakeOnly.context().getEndpoint("seda:notification-process", SedaEndpoint.class).getCurrentQueueSize()).isZero();

            // An instance that processes, on the same database, finds the row with its recovery poller.
            try (RunningConnector worker = RunningConnector.start(Map.of("processing.stall-seconds", "1",
                    "processing.recovery-interval-ms", "200"))) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(worker.licenses(post.saleId())).hasSize(1));
                assertThat(worker.notifications(post.saleId()).get(0).get("status")).isEqualTo("PROCESSED");
            }
        }
    }
}
