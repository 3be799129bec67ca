package io.github.twocheckout.connector.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.alerts.AlertMail;
import io.github.twocheckout.connector.alerts.VendorAlerts;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Alerts and the daily digest, end to end: real INS calls, then the emails the alert timer writes
 * to the outbox and the outbox delivers to SMTP. Vendors AlertCo and QuietCo exist for this test only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertTest extends ConnectorTestBase {

    @Override
    protected Map<String, String> properties() {
        return Map.of("alerts.enabled", "true", "alerts.check-ms", "300",
                "alerts.failure-share", "0.5", "alerts.failure-min-count", "4",
                "alerts.silence-hours", "1", "alerts.ins-gap-grace-minutes", "0");
    }

    private static InsPost alertco(String messageType, long messageId, String product) {
        return InsPost.vendor(messageType, "3003", "alert-word").set("message_id", String.valueOf(messageId))
                .item(product, product);
    }

    private List<MimeMessage> alertMails(String vendor, String kindText) {
        return mailsAbout("Alert for " + vendor).stream().filter(m -> text(m).contains(kindText)
                || subject(m).contains(kindText)).toList();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void failureShareAndInsGapAreEmailedOnceToVendorAndSupport() {
        // 700001 issues a license; 700002-700005 name a product nobody mapped (4 of 6 fail); 700006 and
        // 700007 never arrive; 700008 is processed.
        // The failure-share alert's episode is its window of the clock (60 minutes): a run across the turn of
        // a window rightly sends it once per window.
        long firstWindow = java.time.Instant.now().getEpochSecond() / 3600;
        deliver(alertco("ORDER_CREATED", 700001, "ALERT-SUB"), 1);
        for (long id = 700002; id <= 700005; id++) {
            postInsOk(alertco("ORDER_CREATED", id, "NOT-MAPPED"));
        }
        deliver(alertco("ORDER_CREATED", 700008, "ALERT-SUB"), 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> connector.jdbc().queryForObject("""
                SELECT count(*) FROM notification n JOIN vendor v ON v.id = n.vendor_id
                WHERE v.code = 'alertco' AND n.status = 'FAILED'""", Integer.class) == 4);

        MimeMessage share = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertMails("AlertCo", "failed or were rejected"), l -> !l.isEmpty()).get(0);
        assertThat(subject(share)).contains("67% of the notifications of the last 60 minutes failed or were rejected");
        assertThat(recipients(share)).contains("alerts@alertco.test", "support@operator.test");
        assertThat(text(share)).contains("Received:  6", "Failed:    4", "4 x FAILED:").contains("NOT-MAPPED");

        MimeMessage gap = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertMails("AlertCo", "never arrived"), l -> !l.isEmpty()).get(0);
        assertThat(subject(gap)).contains("INS message_id 700006 to 700007 never arrived");
        assertThat(text(gap)).contains("Missing message_id: 700006 to 700007 (2 messages)", "re-send");
        assertThat(recipients(gap)).contains("alerts@alertco.test", "support@operator.test");

        // Several more checks later, each alert is still one email: the outbox key names its episode.
        NotifyBuilder checks = new NotifyBuilder(connector.context()).fromRoute("alerts-check").whenCompleted(5).create();
        assertThat(checks.matches(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> connector.jdbc().queryForObject(
                "SELECT count(*) FROM mail_outbox WHERE dedup_key LIKE 'alert:%' AND status = 'PENDING'", Integer.class) == 0);
        // GreenMail keeps one copy per recipient: the vendor's and support's.
        long windows = java.time.Instant.now().getEpochSecond() / 3600 - firstWindow + 1;
        assertThat(alertMails("AlertCo", "failed or were rejected")).hasSize((int) (2 * windows));
        assertThat(alertMails("AlertCo", "never arrived")).hasSize(2);
        assertThat(text(share) + text(gap)).doesNotContain("alert-word");
    }

    @Test
    @Order(2)
    void aGapClosesWhenTheMissingMessagesArrive() {
        deliver(alertco("ORDER_CREATED", 700006, "ALERT-SUB"), 1);
        deliver(alertco("ORDER_CREATED", 700007, "ALERT-SUB"), 1);
        VendorAlerts alerts = connector.context().getRegistry().lookupByNameAndType("vendorAlerts", VendorAlerts.class);
        assertThat(alerts.due()).map(AlertMail::getDedupKey).noneMatch(k -> k.startsWith("alert:ins-gap:" + vendorId("alertco") + ":"));
    }

    @Test
    @Order(3)
    void silenceWhileSubscriptionsAreActiveIsEmailed() {
        deliver(InsPost.vendor("ORDER_CREATED", "3004", "quiet-word").item("QUIET-SUB", "QuietCo Subscription"), 1);
        assertThat(alertMails("QuietCo", "no notification")).isEmpty();
        // The last call from QuietCo was yesterday at noon (UTC): longer ago than alerts.silence-hours.
        connector.jdbc().update("""
                UPDATE notification SET received_at = (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '12 hours') AT TIME ZONE 'UTC'
                WHERE vendor_id = ?""", vendorId("quietco"));
        MimeMessage silence = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertMails("QuietCo", "no notification"), l -> !l.isEmpty()).get(0);
        assertThat(subject(silence)).contains("no notification from 2Checkout for more than 1 hours");
        assertThat(text(silence)).contains("Active subscription licenses: 1", "Last notification: ");
        assertThat(recipients(silence)).contains("quiet@quietco.test", "support@operator.test");
    }

    @Test
    @Order(4)
    void dailyDigestCountsYesterdayOncePerVendor() throws Exception {
        long quietco = vendorId("quietco");
        connector.jdbc().update("""
                UPDATE license_event SET created_at = (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '12 hours') AT TIME ZONE 'UTC'
                WHERE license_id IN (SELECT id FROM license WHERE vendor_id = ?)""", quietco);
        // Digests are off by default (and in this test's connector); a second instance has them on.
        try (RunningConnector digests = RunningConnector.start(Map.of("digest.enabled", "true", "digest.hour", "0",
                "digest.zone", "UTC", "alerts.check-ms", "300"))) {
            MimeMessage digest = awaitMails("Daily digest for QuietCo", 1).get(0);
            assertThat(recipients(digest)).isEqualTo("[quiet@quietco.test]");
            assertThat(text(digest)).contains("Licenses issued:    1", "Licenses renewed:   0",
                    "Notifications received: 1", "  rejected:             0");
            NotifyBuilder checks = new NotifyBuilder(digests.context()).fromRoute("digest-check").whenCompleted(4).create();
            assertThat(checks.matches(20, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> connector.jdbc().queryForObject(
                    "SELECT count(*) FROM mail_outbox WHERE dedup_key LIKE 'digest:%' AND status = 'PENDING'", Integer.class) == 0);
            assertThat(mailsAbout("Daily digest for QuietCo")).hasSize(1);
        }
    }

    private long vendorId(String code) {
        return connector.jdbc().queryForObject("SELECT id FROM vendor WHERE code = ?", Long.class, code);
    }
}
