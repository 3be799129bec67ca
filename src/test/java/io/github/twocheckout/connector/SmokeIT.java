package io.github.twocheckout.connector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeIT {
    @Test
    void orderCreatedIssuesLicense() throws Exception {
        try (RunningConnector c = RunningConnector.start()) {
            InsPost post = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            c.http().contentType("application/x-www-form-urlencoded").body(post.body()).post("/2co/ins")
                    .then().statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.licenses(post.saleId()).size() == 1);
            System.out.println(c.notifications(post.saleId()));
            System.out.println(c.api().get("/api/licenses?order=" + post.saleId()).asString());
            assertEquals(1, c.licenses(post.saleId()).size());
        }
    }
}
