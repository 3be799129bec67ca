package io.github.twocheckout.connector.alerts;

import io.github.twocheckout.connector.mail.MailOutbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private final JdbcTemplate jdbc;
    private final MailOutbox outbox;
    private String supportAddress = "";
    private double failureShare = 0.2;
    private int failureWindowMinutes = 60;
    private int failureMinCount = 5;
    private int silenceHours = 48;
    private int insGapGraceMinutes = 30;
    private int insGapLookbackDays = 7;

    public VendorAlerts(DataSource dataSource, MailOutbox outbox) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.outbox = outbox;
    }

    /** Every alert due now, for every vendor, that was not emailed already. */
    public List<AlertMail> due() {
        List<AlertMail> alerts = new ArrayList<>();
        for (Map<String, Object> vendor : jdbc.queryForList("SELECT id, code, name, contact_email FROM vendor ORDER BY id")) {
            failureShare(vendor, alerts);
            silence(vendor, alerts);
            insGaps(vendor, alerts);
        }
        alerts.removeIf(alert -> outbox.contains(alert.getDedupKey()));
        return alerts;
    }

    void failureShare(Map<String, Object> vendor, List<AlertMail> alerts) {
        if (failureShare <= 0) {
            return;
        }
        long vendorId = ((Number) vendor.get("id")).longValue();
        Map<String, Object> counts = jdbc.queryForMap("""
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE status = 'FAILED') AS failed,
                       count(*) FILTER (WHERE status = 'REJECTED') AS rejected,
                       count(*) FILTER (WHERE status = 'PARKED') AS parked,
                       count(*) FILTER (WHERE status IN ('PROCESSED', 'IGNORED')) AS processed
                FROM notification WHERE vendor_id = ? AND received_at > now() - make_interval(mins => ?)""",
                vendorId, failureWindowMinutes);
        long total = ((Number) counts.get("total")).longValue();
        long failed = ((Number) counts.get("failed")).longValue();
        long rejected = ((Number) counts.get("rejected")).longValue();
        if (total < failureMinCount || (double) (failed + rejected) / total <= failureShare) {
            return;
        }
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
            lines.add("  " + reason.get("n") + " x " + reason.get("status") + ": " + oneLine(reason.get("reason")));
        }
        // One email per window: a failure storm that goes on is reported again in the next window.
        long episode = Instant.now().getEpochSecond() / 60 / failureWindowMinutes;
        alerts.add(new AlertMail("failure-share", "alert:failure-share:" + vendorId + ":" + episode, recipients(vendor),
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

    void insGaps(Map<String, Object> vendor, List<AlertMail> alerts) {
        if (insGapLookbackDays <= 0) {
            return;
        }
        long vendorId = ((Number) vendor.get("id")).longValue();
        // A gap counts once the message after it is older than the grace period: 2Checkout retries and
        // concurrent deliveries arrive out of order. Rejected calls do not fill a gap: that message
        // still has to be re-sent (and rejections are reported on their own).
        List<Map<String, Object>> gaps = jdbc.queryForList("""
                SELECT previous + 1 AS first_missing, id - 1 AS last_missing, received_at
                FROM (SELECT message_id::bigint AS id, received_at,
                             lag(message_id::bigint) OVER (ORDER BY message_id::bigint) AS previous
                      FROM notification
                      WHERE vendor_id = ? AND channel = 'INS' AND status <> 'REJECTED'
                        AND message_id ~ '^[0-9]{1,18}$'
                        AND received_at > now() - make_interval(days => ?)) ordered
                WHERE id - previous > 1 AND received_at < now() - make_interval(mins => ?)
                ORDER BY first_missing""", vendorId, insGapLookbackDays, insGapGraceMinutes);
        int mailed = 0;
        for (Map<String, Object> gap : gaps) {
            long first = ((Number) gap.get("first_missing")).longValue();
            long lastMissing = ((Number) gap.get("last_missing")).longValue();
            if (mailed == MAX_GAP_MAILS) {
                LOG.warn("vendor {}: {} more INS message_id gaps not emailed one by one (first from {})",
                        vendor.get("code"), gaps.size() - mailed, first);
                break;
            }
            mailed++;
            long missing = lastMissing - first + 1;
            String ids = missing == 1 ? String.valueOf(first) : first + " to " + lastMissing;
            List<String> lines = List.of("Missing message_id: " + ids + " (" + missing + " message" + (missing == 1 ? "" : "s") + ")",
                    "Next message received: " + (lastMissing + 1) + " at " + ((java.sql.Timestamp) gap.get("received_at")).toInstant());
            alerts.add(new AlertMail("ins-gap", "alert:ins-gap:" + vendorId + ":" + first + "-" + lastMissing, recipients(vendor),
                    (String) vendor.get("code"), (String) vendor.get("name"), "INS message_id " + ids + " never arrived", lines));
        }
    }

    private List<String> recipients(Map<String, Object> vendor) {
        Set<String> to = new LinkedHashSet<>();
        to.add((String) vendor.get("contact_email"));
        if (supportAddress != null && !supportAddress.isBlank()) {
            to.add(supportAddress.trim());
        }
        return List.copyOf(to);
    }

    private static String oneLine(Object text) {
        return String.valueOf(text).replaceAll("\\s+", " ");
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
