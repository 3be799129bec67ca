package io.github.twocheckout.connector.alerts;

import io.github.twocheckout.connector.mail.MailOutbox;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The daily digest per vendor (off by default): what the connector did for the vendor on the previous
 * day (licenses issued, renewed, suspended, revoked, expired; notifications received, rejected,
 * parked, failed) and what waits for them now (parked, failed awaiting replay). Test licenses are
 * left out. Due from {@code hour} o'clock in {@code zone}; the outbox key (vendor and day) makes it
 * one email per vendor and day, across restarts and instances.
 */
public class DailyDigest {

    private final JdbcTemplate jdbc;
    private final MailOutbox outbox;
    private int hour = 7;
    private ZoneId zone = ZoneId.of("UTC");

    public DailyDigest(DataSource dataSource, MailOutbox outbox) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.outbox = outbox;
    }

    public List<AlertMail> due() {
        ZonedDateTime now = ZonedDateTime.now(zone);
        if (now.getHour() < hour) {
            return List.of();
        }
        LocalDate day = now.toLocalDate().minusDays(1);
        Timestamp from = Timestamp.from(day.atStartOfDay(zone).toInstant());
        Timestamp to = Timestamp.from(day.plusDays(1).atStartOfDay(zone).toInstant());
        List<AlertMail> digests = new ArrayList<>();
        for (Map<String, Object> vendor : jdbc.queryForList("SELECT id, code, name, contact_email FROM vendor ORDER BY id")) {
            long vendorId = ((Number) vendor.get("id")).longValue();
            String key = "digest:" + vendorId + ":" + day;
            if (outbox.contains(key)) {
                continue;
            }
            digests.add(new AlertMail("daily-digest", key, List.of((String) vendor.get("contact_email")),
                    (String) vendor.get("code"), (String) vendor.get("name"), day + " (" + zone.getId() + ")",
                    lines(vendorId, from, to)));
        }
        return digests;
    }

    private List<String> lines(long vendorId, Timestamp from, Timestamp to) {
        Map<String, Object> licenses = jdbc.queryForMap("""
                SELECT count(*) FILTER (WHERE e.event = 'ISSUED') AS issued,
                       count(*) FILTER (WHERE e.event = 'RENEWED') AS renewed,
                       count(*) FILTER (WHERE e.to_status = 'SUSPENDED') AS suspended,
                       count(*) FILTER (WHERE e.to_status = 'REVOKED') AS revoked,
                       count(*) FILTER (WHERE e.to_status = 'EXPIRED') AS expired
                FROM license_event e JOIN license l ON l.id = e.license_id
                WHERE l.vendor_id = ? AND NOT l.test AND e.created_at >= ? AND e.created_at < ?""", vendorId, from, to);
        Map<String, Object> day = jdbc.queryForMap("""
                SELECT count(*) AS received,
                       count(*) FILTER (WHERE status = 'REJECTED') AS rejected,
                       count(*) FILTER (WHERE status = 'PARKED') AS parked,
                       count(*) FILTER (WHERE status = 'FAILED') AS failed
                FROM notification WHERE vendor_id = ? AND received_at >= ? AND received_at < ?""", vendorId, from, to);
        Map<String, Object> now = jdbc.queryForMap("""
                SELECT count(*) FILTER (WHERE status = 'PARKED') AS parked,
                       count(*) FILTER (WHERE status = 'FAILED') AS failed
                FROM notification WHERE vendor_id = ? AND status IN ('PARKED', 'FAILED')""", vendorId);
        return List.of(
                "Licenses issued:    " + licenses.get("issued"),
                "Licenses renewed:   " + licenses.get("renewed"),
                "Licenses suspended: " + licenses.get("suspended"),
                "Licenses revoked:   " + licenses.get("revoked"),
                "Licenses expired:   " + licenses.get("expired"),
                "",
                "Notifications received: " + day.get("received"),
                "  rejected:             " + day.get("rejected"),
                "  parked (still):       " + day.get("parked"),
                "  failed (still):       " + day.get("failed"),
                "",
                "Waiting now, all days:",
                "  parked notifications:              " + now.get("parked"),
                "  failed notifications (to replay):  " + now.get("failed"));
    }

    public void setHour(int hour) {
        this.hour = hour;
    }

    public void setZone(String zone) {
        this.zone = ZoneId.of(zone.trim());
    }
}
