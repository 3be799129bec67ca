package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redelivery, the dead letter (FAILED rows and error emails) and replay. */
class FailureAndReplayTest extends ConnectorTestBase {

    @Test
    void aFailingStepIsRedeliveredDeadLetteredThenReplayedIntoExactlyOneLicense() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        // A real database fault for this order only: every license insert fails until the trigger goes.
        connector.jdbc().execute("CREATE OR REPLACE FUNCTION fail_order_" + post.saleId() + "() RETURNS trigger AS $$ BEGIN "
                + "IF NEW.order_ref = '" + post.saleId() + "' THEN RAISE EXCEPTION 'simulated outage for order %', NEW.order_ref; END IF; "
                + "RETURN NEW; END $$ LANGUAGE plpgsql");
        connector.jdbc().execute("CREATE TRIGGER fail_order_" + post.saleId() + " BEFORE INSERT ON license FOR EACH ROW "
                + "EXECUTE FUNCTION fail_order_" + post.saleId() + "()");
        try {
            postInsOk(post);
            List<Map<String, Object>> rows = awaitSettled(post.saleId(), 1);
            Map<String, Object> failed = rows.get(0);
            assertThat(failed.get("status")).isEqualTo("FAILED");
            assertThat(failed.get("attempts")).isEqualTo(3); // first try + 2 redeliveries (test profile)
            assertThat((String) failed.get("last_error")).contains("simulated outage for order " + post.saleId());
            assertThat(connector.licenses(post.saleId())).isEmpty();

            MimeMessage mail = awaitMails("failed (order " + post.saleId() + ")", 1).get(0);
            assertThat(recipients(mail)).contains("acme@vendor.test"); // the product was known
            assertThat(text(mail)).contains("simulated outage", "/api/notifications/" + failed.get("id") + "/replay");
        } finally {
            connector.jdbc().execute("DROP TRIGGER fail_order_" + post.saleId() + " ON license");
        }

        long id = ((Number) lastNotification(post.saleId()).get("id")).longValue();
        connector.api().post("/api/notifications/" + id + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(post.saleId()).get("status")));
        assertThat(connector.licenses(post.saleId())).hasSize(1);

        connector.api().post("/api/notifications/" + id + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(post.saleId()).get("status"))
                && ((Number) lastNotification(post.saleId()).get("attempts")).intValue() == 5);
        assertThat(connector.licenses(post.saleId())).hasSize(1);
    }

    @Test
    void anUnknownProductFailsWithoutRetryingAndSupportIsTold() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("NO-SUCH-PRODUCT", "Mystery");
        postInsOk(post);
        Map<String, Object> row = awaitSettled(post.saleId(), 1).get(0);
        assertThat(row.get("status")).isEqualTo("FAILED");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat((String) row.get("last_error")).contains("unknown product 'NO-SUCH-PRODUCT'");
        MimeMessage mail = awaitMails("failed (order " + post.saleId() + ")", 1).get(0);
        assertThat(recipients(mail)).contains("support@operator.test").doesNotContain("acme@vendor.test");
    }

    @Test
    void aDisabledConnectorFailsAndItsVendorIsTold() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("OLD-1", "ACME Legacy");
        postInsOk(post);
        Map<String, Object> row = awaitSettled(post.saleId(), 1).get(0);
        assertThat(row.get("status")).isEqualTo("FAILED");
        assertThat((String) row.get("last_error")).contains("connector 'ACME Legacy' is disabled");
        assertThat(connector.licenses(post.saleId())).isEmpty();
        MimeMessage mail = awaitMails("failed (order " + post.saleId() + ")", 1).get(0);
        assertThat(recipients(mail)).contains("acme@vendor.test");
    }

    @Test
    void aRepeatOfAFailedMessageRetriesIt() {
        InsPost post = InsPost.acme("ORDER_CREATED").item("NO-SUCH-PRODUCT-2", "Mystery");
        deliver(post, 1);
        postInsOk(post);
        await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) lastNotification(post.saleId()).get("attempts")).intValue() == 2
                && "FAILED".equals(lastNotification(post.saleId()).get("status")));
    }

    @Test
    void rejectedAndUnknownNotificationsCannotBeReplayed() {
        InsPost forged = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").secretWord("nope");
        postIns(forged).then().statusCode(403);
        Long id = connector.jdbc().queryForObject("SELECT max(id) FROM notification WHERE status = 'REJECTED'", Long.class);
        connector.api().post("/api/notifications/" + id + "/replay").then().statusCode(409);
        connector.api().post("/api/notifications/987654321/replay").then().statusCode(404);
        connector.http().post("/api/notifications/" + id + "/replay").then().statusCode(401);
    }
}
