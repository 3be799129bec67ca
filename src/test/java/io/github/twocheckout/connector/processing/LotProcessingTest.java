package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A backlog is processed in lots (processing.lot-size): one transaction per lot, its licenses, outcomes,
 * released parked notifications and emails committed together. Each notification must end exactly as it would
 * alone: licensed once, its outcome and its email written, a refund that came before its order (in the
 * same lot) applied, and one that fails redelivered and dead-lettered alone, without taking the rest of
 * its lot with it.
 */
class LotProcessingTest {

    @Test
    void aBacklogIsProcessedInLotsAndEachNotificationEndsAsItWouldAlone() throws Exception {
        // One worker, so that it finds the whole backlog waiting and takes it in lots.
        try (RunningConnector c = RunningConnector.start(Map.of("processing.workers", "1", "processing.lot-size", "16"))) {
            c.stopProcessing();

            // First in the queue: the refund of an order that comes later in the same lot.
            InsPost refunded = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            post(c, refunded.next("REFUND_ISSUED").set("item_type_1", "refund"));
            List<InsPost> orders = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                orders.add(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro"));
            }
            orders.add(5, refunded);
            for (InsPost order : orders) {
                post(c, order);
            }

            c.startProcessing();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (InsPost order : orders) {
                    assertThat(c.notifications(order.saleId())).as(order.saleId()).allSatisfy(n -> assertThat(n.get("status")).isEqualTo("PROCESSED"));
                }
            });
            // In lots: processed_at is the time its transaction began, shared by the notifications of a lot.
            assertThat(c.jdbc().queryForObject("""
                    SELECT max(n) FROM (SELECT count(*) AS n FROM notification WHERE order_ref = ANY (?) GROUP BY processed_at) lots""",
                    Integer.class, (Object) orders.stream().map(InsPost::saleId).toArray(String[]::new))).isGreaterThan(1);
            for (InsPost order : orders) {
                assertThat(c.licenses(order.saleId())).as(order.saleId()).hasSize(1).allSatisfy(l -> assertThat(
                        (java.sql.Timestamp) l.get("updated_at")).as("updated, never before issued").isAfterOrEqualTo((java.sql.Timestamp) l.get("issued_at")));
                Map<String, Object> row = c.notifications(order.saleId()).get(order == refunded ? 1 : 0);
                assertThat(row.get("attempts")).isEqualTo(1);
                assertThat((String) row.get("outcome")).contains("issued 1 license");
                assertThat(row.get("processed_at")).isNotNull();
                // The vendor's success email (ACME Suite asks for one), in the outbox once.
                assertThat(c.jdbc().queryForObject("SELECT count(*) FROM mail_outbox WHERE notification_id = ? AND kind = 'vendor-success'",
                        Integer.class, row.get("id"))).isEqualTo(1);
            }
            // The refund parked (its order not yet licensed when it was handled), released by the lot that
            // licensed the order, and applied.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(c.licenses(refunded.saleId()).get(0).get("status")).isEqualTo("REVOKED"));
            assertThat(c.notifications(refunded.saleId()).get(0).get("status")).isEqualTo("PROCESSED");
        }
    }

    @Test
    void aNotificationThatFailsInALotIsDeadLetteredAloneAndTheRestOfTheLotIsProcessed() throws Exception {
        try (RunningConnector c = RunningConnector.start(Map.of("processing.workers", "1", "processing.lot-size", "16"))) {
            c.stopProcessing();
            List<InsPost> orders = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                orders.add(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro"));
            }
            InsPost failing = orders.get(3);
            String trigger = "fail_lot_" + failing.saleId();
            // A real database fault for one order of the lot: its license insert fails, every time.
            c.jdbc().execute("CREATE OR REPLACE FUNCTION " + trigger + "() RETURNS trigger AS $$ BEGIN "
                    + "IF NEW.order_ref = '" + failing.saleId() + "' THEN RAISE EXCEPTION 'simulated fault for order %', NEW.order_ref; "
                    + "END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
            c.jdbc().execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON license FOR EACH ROW EXECUTE FUNCTION " + trigger + "()");
            try {
                for (InsPost order : orders) {
                    post(c, order);
                }
                c.startProcessing();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    for (InsPost order : orders) {
                        assertThat(c.notifications(order.saleId()).get(0).get("status")).as(order.saleId())
                                .isEqualTo(order == failing ? "FAILED" : "PROCESSED");
                    }
                });
            } finally {
                c.jdbc().execute("DROP TRIGGER " + trigger + " ON license");
            }
            Map<String, Object> failed = c.notifications(failing.saleId()).get(0);
            // Alone: the first try and 2 redeliveries (test profile); the lot's rolled-back try counts for nothing.
            assertThat(failed.get("attempts")).isEqualTo(3);
            assertThat((String) failed.get("last_error")).contains("simulated fault for order " + failing.saleId());
            assertThat(c.licenses(failing.saleId())).isEmpty();
            assertThat(c.jdbc().queryForObject("SELECT count(*) FROM mail_outbox WHERE notification_id = ? AND kind = 'processing-error'",
                    Integer.class, failed.get("id"))).isEqualTo(1);
            for (InsPost order : orders) {
                if (order != failing) {
                    assertThat(c.licenses(order.saleId())).as(order.saleId()).hasSize(1);
                    assertThat(c.notifications(order.saleId()).get(0).get("attempts")).isEqualTo(1);
                }
            }
        }
    }

    private static void post(RunningConnector c, InsPost post) {
        c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins").then().statusCode(200);
    }
}
