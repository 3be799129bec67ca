package io.github.twocheckout.connector.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.QueryPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The failure-share alert is checked every minute for every vendor. A vendor without failures costs
 * a lookup in the index of failed and rejected notifications, not a count of its hour; one with
 * failures is counted as far as the share needs, and its email still gives the exact figures.
 */
class FailureShareCheckTest extends AlertChecksInATransaction {

    @Test
    void anHourWithoutFailuresIsNotCountedAndAFailureStormIsReportedWithItsFigures() throws Exception {
        withVendor("share-check-test", (c, s, alerts, vendor) -> {
            s.execute(insert(vendor, 20_000, "PROCESSED", "30 minutes"));
            s.execute("ANALYZE notification");
            assertThat(shareAlerts(alerts, vendor)).isEmpty();

            s.execute("SET LOCAL enable_seqscan = off");
            QueryPlan plan = QueryPlan.explainAnalyze(c, VendorAlerts.FAILING, vendor, 60);
            assertThat(plan.text()).contains("notification_failing_idx");
            assertThat(plan.rowsRemovedByFilter()).as(plan.text()).isZero();
            s.execute("RESET enable_seqscan");

            // 6,000 of 26,000 rejected: 23 %, over the default 20 %.
            s.execute(insert(vendor, 6_000, "REJECTED", "10 minutes"));
            assertThat(shareAlerts(alerts, vendor)).singleElement().satisfies(alert -> {
                assertThat(alert.getSummary()).startsWith("23% of the notifications of the last 60 minutes");
                assertThat(alert.getLines()).contains("Received:  26000", "Processed: 20000", "Failed:    0 (awaiting replay)",
                        "Rejected:  6000 (signature, format or sender refused)");
            });
        });
    }

    private static List<AlertMail> shareAlerts(VendorAlerts alerts, long vendor) {
        return alerts.due().stream().filter(a -> a.getDedupKey().startsWith("alert:failure-share:" + vendor + ":")).toList();
    }

    private static String insert(long vendor, int count, String status, String age) {
        return """
                INSERT INTO notification (channel, vendor_id, message_type, raw_body, status, received_at)
                SELECT 'IPN', %d, 'COMPLETE', '', '%s', now() - interval '%s' FROM generate_series(1, %d)""".formatted(
                vendor, status, age, count);
    }
}
