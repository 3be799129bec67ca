package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Principal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A vendor's grant of access to the operator's support team: given by the vendor's admin (or the
 * operator's), until a time or open-ended, and revoked at any time. The support role's scope is read
 * from the open grants on every request, so a revocation takes effect on the support user's next request.
 */
public class SupportAccess {

    /** A grant {@code g} in force: neither revoked nor past its end. */
    static final String OPEN = "g.revoked_at IS NULL AND (g.until IS NULL OR g.until > now())";
    /** The open grant of a vendor, as columns of a query over {@code vendor} (at most one: support_grant_open_uq). */
    static final String CURRENT = java.util.stream.Stream.of("granted_by", "granted_at", "until")
            .map(c -> "(SELECT g." + c + " FROM support_grant g WHERE g.vendor_id = vendor.id AND " + OPEN + ") AS support_" + c)
            .collect(java.util.stream.Collectors.joining(", "));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public SupportAccess(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /**
     * {until?}: an instant, or a date (access through that day, UTC); without it, until revoked. A new
     * grant replaces the open one.
     */
    public List<Map<String, Object>> grant(@Header("id") long vendorId, @Body String body, @Variable("principal") Principal by) {
        Timestamp until = until(Json.text(Json.object(body == null || body.isBlank() ? "{}" : body), "until"));
        tx.executeWithoutResult(s -> {
            close(vendorId, by);
            jdbc.update("INSERT INTO support_grant (vendor_id, granted_by, until) VALUES (?, ?, ?)", vendorId, by.username(), until);
        });
        return history(vendorId);
    }

    /** Ends the open grant now. */
    public List<Map<String, Object>> revoke(@Header("id") long vendorId, @Variable("principal") Principal by) {
        close(vendorId, by);
        return history(vendorId);
    }

    /** Every grant of the vendor, newest first, with who gave and who ended it. */
    public List<Map<String, Object>> history(@Header("id") long vendorId) {
        return jdbc.queryForList("SELECT g.id, g.granted_by, g.granted_at, g.until, g.revoked_by, g.revoked_at, " + OPEN
                + " AS active FROM support_grant g WHERE g.vendor_id = ? ORDER BY g.id DESC", vendorId);
    }

    /** An expired grant is closed at its expiry, not now, so the history says when access really ended. */
    private void close(long vendorId, Principal by) {
        jdbc.update("""
                UPDATE support_grant SET revoked_at = CASE WHEN until < now() THEN until ELSE now() END,
                       revoked_by = CASE WHEN until < now() THEN 'expired' ELSE ? END
                WHERE vendor_id = ? AND revoked_at IS NULL""", by.username(), vendorId);
    }

    static Timestamp until(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = value.trim().length() == 10 ? LocalDate.parse(value.trim()).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("until: a date (YYYY-MM-DD) or an instant (2027-01-31T18:00:00Z)");
        }
        if (!at.isAfter(Instant.now())) {
            throw new IllegalArgumentException("until must be in the future");
        }
        return Timestamp.from(at);
    }
}
