package io.github.twocheckout.connector.mail;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The mail outbox. Processing writes each composed email here (one row per email, keyed so that a
 * retried or replayed notification does not write it twice); a poller sends due rows and retries
 * failures with exponential back-off until SMTP takes them. An email is sent at least once, and twice
 * only if the process dies between SMTP accepting it and its batch being marked sent (markSent).
 */
public class MailOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(MailOutbox.class);

    private final JdbcTemplate jdbc;
    private long rejectionWindowSeconds = 600;
    private long retryDelaySeconds = 5;
    private long maxRetryDelaySeconds = 3600;
    private int batch = 100;
    private int leaseSeconds = 60;
    /** Sent by this process, not yet marked SENT (the outbox sender's thread adds, markSent drains). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> sentNotMarked = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public MailOutbox(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Stores the composed email (headers From, To, Subject; the body) of variable mail, kind {@code mailKind}. */
    public void enqueue(Exchange exchange) {
        Message m = exchange.getMessage();
        String kind = exchange.getVariable("mailKind", String.class);
        String given = exchange.getVariable("mailDedupKey", String.class);
        if (given != null) {
            // Alerts and digests name their own key (vendor, kind, episode or day), so that several
            // instances, or a restart, never send the same one twice.
            insert(given, kind, null, null, m);
            return;
        }
        VendorMail mail = exchange.getVariable("mail", VendorMail.class);
        Long notification = mail.getNotificationId();
        String reasonKey = null;
        String key;
        if ("rejected-call".equals(kind)) {
            // Rejections say nothing new after the first of a kind: one email per channel and kind of rejection
            // (status and cause, never the caller's own words, such as a content type) per window.
            String kindOfRejection = exchange.getVariable("rejectionKind", String.class);
            reasonKey = mail.getChannel() + "|" + (kindOfRejection != null ? kindOfRejection : mail.getReason());
            Integer recent = jdbc.queryForObject("""
                    SELECT count(*) FROM mail_outbox WHERE reason_key = ? AND created_at > now() - make_interval(secs => ?)""",
                    Integer.class, reasonKey, rejectionWindowSeconds);
            if (recent != null && recent > 0) {
                LOG.info("rejection email for notification {} not sent: one about '{}' went out in the last {} s",
                        notification, reasonKey, rejectionWindowSeconds);
                return;
            }
            key = kind + ":" + (notification == null ? java.util.UUID.randomUUID() : notification);
        } else if ("processing-error".equals(kind) && notification != null) {
            // One error email per processing attempt: a replay that fails again is news.
            Integer attempt = mail.getAttempt();
            if (attempt == null) {
                List<Integer> attempts = jdbc.queryForList("SELECT attempts FROM notification WHERE id = ?", Integer.class, notification);
                attempt = attempts.isEmpty() ? 0 : attempts.get(0);
            }
            key = kind + ":" + notification + ":" + attempt;
        } else {
            key = kind + ":" + (notification == null ? java.util.UUID.randomUUID() : notification) + ":" + mail.getConnectorName();
        }
        insert(key, kind, notification, reasonKey, m);
    }

    private void insert(String key, String kind, Long notification, String reasonKey, Message m) {
        int inserted = jdbc.update("""
                INSERT INTO mail_outbox (dedup_key, kind, notification_id, reason_key, mail_from, mail_to, subject, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING""",
                key, kind, notification, reasonKey, m.getHeader("From", String.class), m.getHeader("To", String.class),
                m.getHeader("Subject", String.class), m.getBody(String.class));
        if (inserted == 0) {
            LOG.info("email {} already in the outbox, not written twice", key);
        }
    }

    /** True when an email with this key was written already (alerts and digests check before composing). */
    public boolean contains(String dedupKey) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE dedup_key = ?)",
                Boolean.class, dedupKey));
    }

    // Oldest due first, in the order of the partial index of pending rows (mail_outbox_due_idx). Ordered
    // by id, PostgreSQL walked the primary key through every email ever sent to find the pending ones:
    // 0.2 s a claim at 150,000 sent, growing with the table.
    static final String CLAIM_DUE = """
            UPDATE mail_outbox SET lease_until = now() + make_interval(secs => ?), attempts = attempts + 1
            WHERE id IN (SELECT id FROM mail_outbox
                         WHERE status = 'PENDING' AND next_attempt_at <= now()
                           AND (lease_until IS NULL OR lease_until < now())
                         ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING id, mail_from, mail_to, subject, body, attempts""";

    /**
     * Due emails, leased to this sender (several instances never send the same row together); a sender
     * that dies leaves its rows to another one when the lease runs out.
     */
    public List<Map<String, Object>> claimDue() {
        return jdbc.queryForList(CLAIM_DUE, leaseSeconds, batch);
    }

    /**
     * Whether the outbox sender should claim (again): at the first round of a tick, and after a claim
     * that came back full (variable outboxClaimed), since more may be due; not once the connector is
     * stopping.
     */
    public boolean moreDue(@org.apache.camel.Variable("outboxClaimed") Integer claimed, org.apache.camel.CamelContext context) {
        return sending(context) && (claimed == null || claimed >= batch);
    }

    /** Whether to send now: not once the connector is stopping (as {@link io.github.twocheckout.connector.outbound.Outbox#sending}). */
    public boolean sending(org.apache.camel.CamelContext context) {
        return !context.isStopping();
    }

    /** Sets the headers camel-mail and the .eml writer read, from scratch. */
    public void prepare(Exchange exchange) {
        Message m = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> row = m.getBody(Map.class);
        m.removeHeaders("*");
        m.setHeader("From", row.get("mail_from"));
        m.setHeader("To", row.get("mail_to"));
        m.setHeader("Subject", row.get("subject"));
        m.setHeader("Content-Type", "text/plain; charset=UTF-8");
        exchange.setVariable("outboxId", row.get("id"));
        exchange.setVariable("outboxAttempts", row.get("attempts"));
        m.setBody(row.get("body"));
    }

    /** Notes the email as sent; {@link #markSent} writes that down for the whole batch at once. */
    public void sent(Exchange exchange) {
        sentNotMarked.add(exchange.getVariable("outboxId", Long.class));
    }

    /**
     * Marks the emails sent since the last call as SENT, in one statement. One UPDATE and commit per
     * email cost a round trip and a WAL flush each (a fifth of what an order's email cost the sender in
     * a profile). The price: a process that dies in the middle of a batch sends that batch's emails
     * again, up to {@code mail.outbox.batch}, where before it was the one email in flight.
     */
    public void markSent() {
        List<Long> ids = new java.util.ArrayList<>();
        for (Long id = sentNotMarked.poll(); id != null; id = sentNotMarked.poll()) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            jdbc.update(con -> {
                java.sql.PreparedStatement update = con.prepareStatement(
                        "UPDATE mail_outbox SET status = 'SENT', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = ANY (?)");
                update.setArray(1, con.createArrayOf("bigint", ids.toArray()));
                return update;
            });
        } catch (RuntimeException e) {
            sentNotMarked.addAll(ids); // the database was away: marked at the next batch, while their lease holds
            throw e;
        }
    }

    /** SMTP refused or was away: try again after 5 s, 10 s, 20 s ... up to an hour, for as long as it takes. */
    public void retryLater(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = exchange.getVariable("outboxAttempts", Integer.class);
        long delay = Math.min(maxRetryDelaySeconds, retryDelaySeconds << Math.min(20, Math.max(0, attempts - 1)));
        String error = e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
        jdbc.update("""
                UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => ?), lease_until = NULL, last_error = ?
                WHERE id = ?""", delay, error.length() > 1000 ? error.substring(0, 1000) : error,
                exchange.getVariable("outboxId", Long.class));
        LOG.warn("email {} not sent (attempt {}), next try in {} s: {}", exchange.getVariable("outboxId"), attempts, delay, error);
    }

    public void setRejectionWindowSeconds(long rejectionWindowSeconds) {
        this.rejectionWindowSeconds = rejectionWindowSeconds;
    }

    public void setRetryDelaySeconds(long retryDelaySeconds) {
        this.retryDelaySeconds = retryDelaySeconds;
    }

    public void setMaxRetryDelaySeconds(long maxRetryDelaySeconds) {
        this.maxRetryDelaySeconds = maxRetryDelaySeconds;
    }

    public void setLeaseSeconds(int leaseSeconds) {
        this.leaseSeconds = leaseSeconds;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }
}
