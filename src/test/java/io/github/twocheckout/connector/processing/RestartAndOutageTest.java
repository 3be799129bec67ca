package io.github.twocheckout.connector.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability: the embedded database across restarts, recovery of unfinished rows, and a database outage. */
class RestartAndOutageTest {

    @TempDir
    Path dataDir;

    private static void post(RunningConnector c, InsPost p, int status) {
        c.http().contentType("application/x-www-form-urlencoded").body(p.body()).post("/2co/ins").then().statusCode(status);
    }

    @Test
    void theEmbeddedDatabaseIsDurableAndUnfinishedNotificationsArePickedUpAfterARestart() throws Exception {
        Map<String, String> embedded = new HashMap<>();
        embedded.put("db.url", "");
        embedded.put("db.username", "");
        embedded.put("connector.data-dir", dataDir.toString());
        InsPost first = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
        InsPost unfinished = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");

        try (RunningConnector c = RunningConnector.start(embedded)) {
            assertThat(c.jdbc().queryForObject("SHOW fsync", String.class)).isEqualTo("on");
            assertThat(c.jdbc().queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
            post(c, first, 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.licenses(first.saleId()).size() == 1);

            // Stop the workers and the recovery poller: the next call is stored and acknowledged, not processed,
            // as if the process died right after the acknowledgement.
            c.stopProcessing();
            post(c, unfinished, 200);
            assertThat(c.notifications(unfinished.saleId())).hasSize(1)
                    .allSatisfy(n -> assertThat(n.get("status")).isEqualTo("RECEIVED"));
        }
        assertThat(Files.isDirectory(dataDir.resolve("postgres"))).isTrue();

        try (RunningConnector c = RunningConnector.start(embedded)) {
            assertThat(c.licenses(first.saleId())).hasSize(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.licenses(unfinished.saleId()).size() == 1);
            assertThat(c.notifications(unfinished.saleId())).allSatisfy(n -> assertThat(n.get("status")).isEqualTo("PROCESSED"));
        }
    }

    @Test
    void whileTheDatabaseIsDownCallsAreAnswered503AndNothingIsAcknowledged() throws Exception {
        int port = SharedInfrastructure.freePort();
        Path pgDir = dataDir.resolve("pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(false).setPort(port).start();
        Map<String, String> external = new HashMap<>();
        external.put("db.url", pg.getJdbcUrl("postgres", "postgres"));
        external.put("connector.data-dir", dataDir.toString());
        try (RunningConnector c = RunningConnector.start(external)) {
            InsPost before = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            post(c, before, 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.licenses(before.saleId()).size() == 1);

            io.restassured.RestAssured.get(c.managementUrl() + "/observe/health").then().statusCode(200)
                    .body(org.hamcrest.Matchers.containsString("UP"));
            pg.close();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    io.restassured.RestAssured.get(c.managementUrl() + "/observe/health").statusCode() == 503);
            InsPost during = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro");
            c.http().contentType("application/x-www-form-urlencoded").body(during.body()).post("/2co/ins")
                    .then().statusCode(503).header("Retry-After", "60").body(equalTo("temporarily unavailable, please retry"));

            pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(false).setPort(port).start();
            // 2Checkout retries: now it is stored and processed.
            await().atMost(Duration.ofSeconds(30)).until(() -> c.http().contentType("application/x-www-form-urlencoded")
                    .body(during.body()).post("/2co/ins").statusCode() == 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.licenses(during.saleId()).size() == 1);
            assertThat(c.notifications(during.saleId())).hasSize(1);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    io.restassured.RestAssured.get(c.managementUrl() + "/observe/health").statusCode() == 200);
        } finally {
            pg.close();
        }
    }
}
