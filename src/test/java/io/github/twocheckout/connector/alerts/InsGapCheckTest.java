package io.github.twocheckout.connector.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.QueryPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The INS gap check runs every minute for every vendor. After the first check of a start it looks at
 * the messages that came of age since the previous check, not at a week of them each time, and still
 * finds every gap once: narrow ones by the ids just below, wide ones by a search of the lookback.
 */
class InsGapCheckTest extends AlertChecksInATransaction {

    @Test
    void gapsAreFoundOnceEachAndLaterChecksReadOnlyTheNewMessages() throws Exception {
        withVendor("gap-check-test", (c, s, alerts, vendor) -> {
            alerts.setInsGapGraceMinutes(0);
            // A week's history without a gap, two days old: 20,000 messages.
            s.execute(insert(vendor, "g", "generate_series(100001, 120000)", "2 days"));
            // Ten minutes ago: 900003 missing (narrow), then 900005 to 901503 missing (wider than the probe).
            for (long id : new long[] {900001, 900002, 900004, 901504}) {
                s.execute(insert(vendor, String.valueOf(id), "(SELECT 1)", "10 minutes"));
            }
            // Statistics that know these rows, as autovacuum's analyze keeps them (after 2 % of changes).
            s.execute("ANALYZE notification");
            String key = "alert:ins-gap:" + vendor + ":";

            // The first check of a start: the whole lookback.
            assertThat(gapKeys(alerts, key)).containsExactly(key + "120001-900000", key + "900003-900003",
                    key + "900005-901503");

            // A message now: the next check finds its gap, and only it (the others came of age before).
            s.execute(insert(vendor, "901506", "(SELECT 1)", "1 second"));
            assertThat(gapKeys(alerts, key)).containsExactly(key + "901505-901505");
            // A check whose alerts were not all written (no checked()) leaves the next one its messages.
            s.execute(insert(vendor, "901508", "(SELECT 1)", "1 second"));
            assertThat(alerts.due()).map(AlertMail::getDedupKey).contains(key + "901507-901507");
            assertThat(gapKeys(alerts, key)).containsExactly(key + "901505-901505", key + "901507-901507");

            // What such a check reads: the minutes since the previous one, through an index.
            s.execute("SET LOCAL enable_seqscan = off");
            QueryPlan plan = QueryPlan.explainAnalyze(c, VendorAlerts.GAP_CANDIDATES, vendor,
                    new java.sql.Timestamp(System.currentTimeMillis() - 2 * 60_000), 7, 0, vendor);
            assertThat(plan.rowsRemovedByFilter()).as(plan.text()).isLessThan(100);
        });
    }

    /** One check as the alerts route makes it: what is due, then (the emails written) checked. */
    private static List<String> gapKeys(VendorAlerts alerts, String prefix) {
        List<String> keys = alerts.due().stream().map(AlertMail::getDedupKey).filter(k -> k.startsWith(prefix)).sorted().toList();
        alerts.checked();
        return keys;
    }

    /** Processed INS notifications of {@code vendor} with the message ids of {@code ids} (alias g), received that long ago. */
    private static String insert(long vendor, String messageId, String ids, String age) {
        return """
                INSERT INTO notification (channel, vendor_id, message_id, message_type, raw_body, status, received_at)
                SELECT 'INS', %d, %s::text, 'ORDER_CREATED', '', 'PROCESSED', now() - interval '%s' FROM %s g""".formatted(
                vendor, messageId, age, ids);
    }
}
