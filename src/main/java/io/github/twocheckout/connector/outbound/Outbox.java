package io.github.twocheckout.connector.outbound;

import io.github.twocheckout.connector.api.ApiNotFoundException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the event and IDN outboxes share: a table of rows with status PENDING (or FAILED, the dead
 * letter), attempts, next_attempt_at, lease_until and last_error; the retry schedule; the claim's
 * size and lease.
 */
public abstract class Outbox {

    protected final JdbcTemplate jdbc;
    private final String table;
    protected RetrySchedule schedule;
    protected int batch = 100;
    protected int leaseSeconds = 60;

    /**
     * Whether to send now: not once the connector is stopping. (A bean method rather than the simple
     * language's ${camelContext.isStopping()}, which made the routes' start 0.2-0.3 s longer.)
     */
    public boolean sending(org.apache.camel.CamelContext context) {
        return !context.isStopping();
    }

    protected Outbox(DataSource dataSource, String table, RetrySchedule schedule) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.table = table;
        this.schedule = schedule;
    }

    /**
     * A failed attempt: the row is due again after the schedule's delay, or FAILED once the schedule gave
     * up; returns true then.
     */
    protected boolean failed(long id, int attempts, String error) {
        boolean dead = schedule.exhausted(attempts);
        jdbc.update("UPDATE " + table + " SET status = ?, next_attempt_at = now() + make_interval(secs => ?), lease_until = NULL,"
                + " last_error = ? WHERE id = ?", dead ? "FAILED" : "PENDING", schedule.delayAfter(attempts), error, id);
        return dead;
    }

    /** Puts the rows WHERE the condition back in the queue, due now with a fresh count. */
    protected int requeue(String condition, Object key) {
        return jdbc.update("UPDATE " + table + " SET status = 'PENDING', attempts = 0, next_attempt_at = now(), lease_until = NULL"
                + " WHERE " + condition, key);
    }

    /** The same for one row in one of the given statuses; 404 when there is no such row at all. */
    protected int requeueOne(long id, String statuses, String what) {
        int n = requeue("id = ? AND status IN (" + statuses + ")", id);
        if (n == 0 && jdbc.queryForList("SELECT 1 FROM " + table + " WHERE id = ?", id).isEmpty()) {
            throw new ApiNotFoundException("no " + what + " " + id);
        }
        return n;
    }

    static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    public void setRetryDelaySeconds(long seconds) {
        schedule = new RetrySchedule(seconds, schedule.maxDelaySeconds(), schedule.maxAttempts());
    }

    public void setMaxRetryDelaySeconds(long seconds) {
        schedule = new RetrySchedule(schedule.firstDelaySeconds(), seconds, schedule.maxAttempts());
    }

    public void setMaxAttempts(int attempts) {
        schedule = new RetrySchedule(schedule.firstDelaySeconds(), schedule.maxDelaySeconds(), attempts);
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }

    public void setLeaseSeconds(int leaseSeconds) {
        this.leaseSeconds = leaseSeconds;
    }
}
