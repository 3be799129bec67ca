package io.github.twocheckout.connector.alerts;

import io.github.twocheckout.connector.mail.MailOutbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Finds what a vendor should hear about before a customer complains: a high share of failed or
 * rejected notifications over a recent window, a silence while the vendor has active subscriptions
 * (2Checkout stopped calling us, or calls somewhere else), and gaps in the INS {@code message_id}
 * sequence (2Checkout numbers INS messages per seller, so a gap is a message that never arrived and
 * can be re-sent from the 2Checkout control panel). Each alert carries a key naming its episode,
 * so it is emailed once, not at every check.
 */
public class VendorAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(VendorAlerts.class);
    /** More gaps than this in one check are summed up in the log, not emailed one by one. */
    private static final int MAX_GAP_MAILS = 20;
    /**
     * How far before the previous check the next one looks again: a message's received_at is its
     * intake transaction's start, and the row becomes visible at its commit, a little later.
     */
    private static final long GAP_RECHECK_MARGIN_MILLIS = 60_000;
    /** How far below a message a numbered predecessor is looked up by name before a full search. */
    private static final int GAP_PROBE = 1000;

    // Failed and rejected notifications of a vendor in the failure window (notification_failing_idx).
    static final String FAILING = """
            SELECT count(*) FILTER (WHERE status = 'FAILED') AS failed, count(*) FILTER (WHERE status = 'REJECTED') AS rejected
            FROM notification
            WHERE vendor_id = ? AND status IN ('FAILED', 'REJECTED') AND received_at > now() - make_interval(mins => ?)""";
    // A vendor's notifications in the failure window, counted up to a limit.
    static final String RECEIVED_UP_TO = """
            SELECT count(*) FROM (SELECT 1 FROM notification
                                  WHERE vendor_id = ? AND received_at > now() - make_interval(mins => ?) LIMIT ?) w""";

    // A message whose predecessor is missing, among those that came of age (older than the grace)
    // since the given time: the messages of a minute or two, each one index probe, not the
    // whole lookback (a week of a busy vendor's INS, every minute). The CASE keeps the cast off
    // message ids that are not numbers, whatever order PostgreSQL evaluates the conditions in.
    static final String GAP_CANDIDATES = """
            SELECT c.id, c.received_at
            FROM (SELECT CASE WHEN message_id ~ '^[0-9]{1,18}$' THEN message_id::bigint END AS id, received_at
                  FROM notification
                  WHERE vendor_id = ? AND channel = 'INS' AND status <> 'REJECTED'
                    AND received_at > greatest(CAST(? AS timestamptz), now() - make_interval(days => ?))
                    AND received_at < now() - make_interval(mins => ?)) c
            WHERE c.id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM notification p
                WHERE p.vendor_id = ? AND p.channel = 'INS' AND p.message_id = (c.id - 1)::text AND p.status <> 'REJECTED')
            ORDER BY c.id""";

    private final JdbcTemplate jdbc;
    private final MailOutbox outbox;
    private String supportAddress = "";
    private double failureShare = 0.2;
    private int failureWindowMinutes = 60;
    private int failureMinCount = 5;
    private int silenceHours = 48;
    private int insGapGraceMinutes = 30;
    private int insGapLookbackDays = 7;
    /** When the last check whose alerts all went out started (database time); null: the whole lookback. */
    private java.sql.Timestamp gapsCheckedAt;
    /** When the check now being sent started: it becomes gapsCheckedAt once its alerts are written. */
    private java.sql.Timestamp gapsChecking;

    public VendorAlerts(DataSource dataSource, MailOutbox outbox) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.outbox = outbox;
    }

    /**
     * Every alert due now, for every vendor, that was not emailed already. Gaps are looked for among the
     * INS messages that came of age since the last check marked {@link #checked()}.
     */
    public synchronized List<AlertMail> due() {
        java.sql.Timestamp checkStart = jdbc.queryForObject("SELECT now()", java.sql.Timestamp.class);
        java.sql.Timestamp gapsSince = gapsCheckedAt == null ? null
                : new java.sql.Timestamp(gapsCheckedAt.getTime() - GAP_RECHECK_MARGIN_MILLIS - insGapGraceMinutes * 60_000L);
        List<AlertMail> alerts = new ArrayList<>();
        for (Map<String, Object> vendor : jdbc.queryForList("SELECT id, code, name, contact_email FROM vendor ORDER BY id")) {
            failureShare(vendor, alerts);
            silence(vendor, alerts);
            insGaps(vendor, gapsSince, alerts);
        }
        gapsChecking = checkStart;
        alerts.removeIf(alert -> outbox.contains(alert.getDedupKey()));
        return alerts;
    }

    /**
     * The alerts of the last {@link #due()} are in the outbox: the next check need not look at the
     * messages it looked at. Until then (an outbox write failed), each check looks at them again.
     */
    public synchronized void checked() {
        if (gapsChecking != null) {
            gapsCheckedAt = gapsChecking;
        }
    }

    void failureShare(Map<String, Object> vendor, List<AlertMail> alerts) {
        if (failureShare <= 0) {
            return;
        }
        long vendorId = ((Number) vendor.get("id")).longValue();
        // The failed and rejected ones first, from the partial index of those rows: a vendor without
        // trouble costs one small lookup, not a count of an hour of its notifications every minute.
        Map<String, Object> failing = jdbc.queryForMap(FAILING, vendorId, failureWindowMinutes);
        long failed = ((Number) failing.get("failed")).longValue();
        long rejected = ((Number) failing.get("rejected")).longValue();
        if (failed + rejected == 0) {
            return;
        }
        // Over the share only while the window holds fewer than (failed + rejected) / share notifications:
        // the count stops there.
        long enough = (long) Math.floor((failed + rejected) / failureShare) + 1;
        long total = jdbc.queryForObject(RECEIVED_UP_TO, Long.class, vendorId, failureWindowMinutes, enough);
        if (total < failureMinCount || (double) (failed + rejected) / total <= failureShare) {
            return;
        }
        // One email per window: a failure storm that goes on is reported again in the next window.
        long episode = Instant.now().getEpochSecond() / 60 / failureWindowMinutes;
        String key = "alert:failure-share:" + vendorId + ":" + episode;
        if (outbox.contains(key)) {
            return; // sent already: no need to count the rest for its email
        }
        Map<String, Object> counts = jdbc.queryForMap("""
                SELECT count(*) FILTER (WHERE status = 'PARKED') AS parked,
                       count(*) FILTER (WHERE status IN ('PROCESSED', 'IGNORED')) AS processed
                FROM notification WHERE vendor_id = ? AND received_at > now() - make_interval(mins => ?)""",
                vendorId, failureWindowMinutes);
        long percent = Math.round(100.0 * (failed + rejected) / total);
        List<String> lines = new ArrayList<>();
        lines.add("Received:  " + total);
        lines.add("Processed: " + counts.get("processed"));
        lines.add("Failed:    " + failed + " (awaiting replay)");
        lines.add("Rejected:  " + rejected + " (signature, format or sender refused)");
        lines.add("Parked:    " + counts.get("parked") + " (waiting for the order they refer to)");
        lines.add("");
        lines.add("Most frequent reasons:");
        for (Map<String, Object> reason : jdbc.queryForList("""
                SELECT status, left(coalesce(last_error, outcome, 'no reason recorded'), 200) AS reason, count(*) AS n
                FROM notification
                WHERE vendor_id = ? AND received_at > now() - make_interval(mins => ?) AND status IN ('FAILED', 'REJECTED')
                GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 5""", vendorId, failureWindowMinutes)) {
            lines.add("  " + reason.get("n") + " x " + reason.get("status") + ": " + AlertMail.oneLine(reason.get("reason")));
        }
        alerts.add(new AlertMail("failure-share", key, recipients(vendor),
                (String) vendor.get("code"), (String) vendor.get("name"),
                percent + "% of the notifications of the last " + failureWindowMinutes + " minutes failed or were rejected",
                lines));
    }

    void silence(Map<String, Object> vendor, List<AlertMail> alerts) {
        if (silenceHours <= 0) {
            return;
        }
        long vendorId = ((Number) vendor.get("id")).longValue();
        List<Map<String, Object>> last = jdbc.queryForList("""
                SELECT id, received_at, channel FROM notification
                WHERE vendor_id = ? AND status <> 'REJECTED' ORDER BY received_at DESC LIMIT 1""", vendorId);
        if (!last.isEmpty() && ((java.sql.Timestamp) last.get(0).get("received_at")).toInstant()
                .isAfter(Instant.now().minusSeconds(silenceHours * 3600L))) {
            return;
        }
        Long activeSubscriptions = jdbc.queryForObject("""
                SELECT count(*) FROM license l JOIN product_mapping pm ON pm.id = l.product_mapping_id
                WHERE l.vendor_id = ? AND NOT l.test AND pm.license_type = 'subscription' AND l.status IN ('ACTIVE', 'PAST_DUE')""",
                Long.class, vendorId);
        if (activeSubscriptions == null || activeSubscriptions == 0) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("Active subscription licenses: " + activeSubscriptions);
        lines.add(last.isEmpty() ? "Last notification: none on record"
                : "Last notification: " + last.get(0).get("id") + " (" + last.get(0).get("channel") + "), received "
                        + ((java.sql.Timestamp) last.get(0).get("received_at")).toInstant());
        // The silence is one episode until the next notification arrives; its key is the last one seen.
        String episode = last.isEmpty() ? "none" : String.valueOf(last.get(0).get("id"));
        alerts.add(new AlertMail("silence", "alert:silence:" + vendorId + ":" + episode, recipients(vendor),
                (String) vendor.get("code"), (String) vendor.get("name"),
                "no notification from 2Checkout for more than " + silenceHours + " hours", lines));
    }

    /**
     * Gaps whose next message came of age since {@code since} (null: over the whole lookback, as at the
     * first check after a start). A gap is found once, when the message after it gets older than the
     * grace; the key of its email keeps it from being sent twice when the windows overlap.
     */
    void insGaps(Map<String, Object> vendor, java.sql.Timestamp since, List<AlertMail> alerts) {
        if (insGapLookbackDays <= 0) {
            return;
        }
        long vendorId = ((Number) vendor.get("id")).longValue();
        // A gap counts once the message after it is older than the grace period: 2Checkout retries and
        // concurrent deliveries arrive out of order. Rejected calls do not fill a gap: that message
        // still has to be re-sent (and rejections are reported on their own).
        List<Map<String, Object>> candidates = jdbc.queryForList(GAP_CANDIDATES, vendorId, since, insGapLookbackDays,
                insGapGraceMinutes, vendorId);
        int mailed = 0;
        for (int i = 0; i < candidates.size(); i++) {
            Map<String, Object> next = candidates.get(i);
            long nextId = ((Number) next.get("id")).longValue();
            Long previous = previousMessage(vendorId, nextId);
            if (previous == null) {
                continue; // the first message of the lookback: nothing before it to miss
            }
            long first = previous + 1;
            long lastMissing = nextId - 1;
            if (mailed == MAX_GAP_MAILS) {
                LOG.warn("vendor {}: up to {} more INS message_id gaps not emailed one by one (first from {})",
                        vendor.get("code"), candidates.size() - i, first);
                break;
            }
            mailed++;
            long missing = lastMissing - first + 1;
            String ids = missing == 1 ? String.valueOf(first) : first + " to " + lastMissing;
            List<String> lines = List.of("Missing message_id: " + ids + " (" + missing + " message" + (missing == 1 ? "" : "s") + ")",
                    "Next message received: " + nextId + " at " + ((java.sql.Timestamp) next.get("received_at")).toInstant());
            alerts.add(new AlertMail("ins-gap", "alert:ins-gap:" + vendorId + ":" + first + "-" + lastMissing, recipients(vendor),
                    (String) vendor.get("code"), (String) vendor.get("name"), "INS message_id " + ids + " never arrived", lines));
        }
    }

    /**
     * The highest message id below {@code id} received within the lookback, or null. The ids just below
     * are looked up by name first (the unique index on message_id); only a gap wider than that reads
     * the vendor's INS of the lookback.
     */
    private Long previousMessage(long vendorId, long id) {
        String[] below = java.util.stream.LongStream.rangeClosed(Math.max(0, id - GAP_PROBE), id - 1)
                .mapToObj(Long::toString).toArray(String[]::new);
        Long near = jdbc.queryForObject("""
                SELECT max(message_id::bigint) FROM notification
                WHERE vendor_id = ? AND channel = 'INS' AND status <> 'REJECTED' AND message_id = ANY (?)
                  AND received_at > now() - make_interval(days => ?)""",
                Long.class, vendorId, below, insGapLookbackDays);
        if (near != null || id - GAP_PROBE <= 0) {
            return near;
        }
        return jdbc.queryForObject("""
                SELECT max(id) FROM (SELECT CASE WHEN message_id ~ '^[0-9]{1,18}$' THEN message_id::bigint END AS id
                                     FROM notification
                                     WHERE vendor_id = ? AND channel = 'INS' AND status <> 'REJECTED'
                                       AND received_at > now() - make_interval(days => ?)) numbered
                WHERE id < ?""", Long.class, vendorId, insGapLookbackDays, id);
    }

    private List<String> recipients(Map<String, Object> vendor) {
        return AlertMail.recipients(vendor.get("contact_email"), supportAddress);
    }

    public void setSupportAddress(String supportAddress) {
        this.supportAddress = supportAddress;
    }

    public void setFailureShare(double failureShare) {
        this.failureShare = failureShare;
    }

    public void setFailureWindowMinutes(int failureWindowMinutes) {
        this.failureWindowMinutes = Math.max(1, failureWindowMinutes);
    }

    public void setFailureMinCount(int failureMinCount) {
        this.failureMinCount = Math.max(1, failureMinCount);
    }

    public void setSilenceHours(int silenceHours) {
        this.silenceHours = silenceHours;
    }

    public void setInsGapGraceMinutes(int insGapGraceMinutes) {
        this.insGapGraceMinutes = Math.max(0, insGapGraceMinutes);
    }

    public void setInsGapLookbackDays(int insGapLookbackDays) {
        this.insGapLookbackDays = insGapLookbackDays;
    }
}
