package io.github.twocheckout.connector.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What the transaction of a lot of notifications ({@link ProcessingLot}) holds besides the database's
 * own state: the claims of its rows (taken with one statement), the products it has looked up (one
 * lookup per product and lot), and the writes nothing in the lot reads back: the outcomes, the
 * release of parked notifications, and the emails for the outbox, held while the lot's notifications
 * are handled, then written with one statement per table before the commit. What an order costs
 * PostgreSQL is mostly its round trips (docs/benchmarks.md): a notification alone takes six.
 *
 * <p>Bound to the lot's transaction as a Spring transaction resource, so that the store and the outbox
 * find it without being handed it; outside a lot there is none, and they write at once.
 */
public final class LotTransaction {

    private final Map<Long, StoredNotification> claimed = new LinkedHashMap<>();
    private final List<Object[]> outcomes = new ArrayList<>();
    /** vendor id, order ref of each notification of the lot that issued licenses. */
    private final LinkedHashSet<List<Object>> releases = new LinkedHashSet<>();
    private final List<String[]> mails = new ArrayList<>();
    private final Map<List<Object>, List<Map<String, Object>>> products = new java.util.HashMap<>();
    private final List<Long> mailNotifications = new ArrayList<>();

    /** The lot's writes, while a lot's transaction runs on this thread; else null. */
    public static LotTransaction current() {
        return (LotTransaction) TransactionSynchronizationManager.getResource(LotTransaction.class);
    }

    static LotTransaction open() {
        LotTransaction writes = new LotTransaction();
        TransactionSynchronizationManager.bindResource(LotTransaction.class, writes);
        return writes;
    }

    static void close() {
        TransactionSynchronizationManager.unbindResourceIfPossible(LotTransaction.class);
    }

    void claimed(List<StoredNotification> rows) {
        for (StoredNotification row : rows) {
            claimed.put(row.getId(), row);
        }
    }

    /** The lot's claim of this notification (claimed together at the start), or null: done already, or not ours. */
    StoredNotification claimOf(long id) {
        return claimed.remove(id);
    }

    /** The product rows looked up for this key earlier in the lot, or null. */
    public List<Map<String, Object>> product(List<Object> key) {
        return products.get(key);
    }

    public void product(List<Object> key, List<Map<String, Object>> rows) {
        products.put(key, rows);
    }

    /** status, outcome, last_error, http_status, attempts, id: the columns of {@link #OUTCOMES}. */
    void outcome(long id, String status, String outcome, String lastError, Integer httpStatus, int attempts) {
        outcomes.add(new Object[] {id, status, outcome, lastError, httpStatus, attempts});
    }

    void release(Long vendorId, String orderRef) {
        releases.add(java.util.Arrays.asList(vendorId, orderRef));
    }

    /** dedup_key, kind, reason_key, mail_from, mail_to, subject, body; and the notification. */
    public void mail(String key, String kind, Long notificationId, String reasonKey, String from, String to, String subject,
                     String body) {
        mails.add(new String[] {key, kind, reasonKey, from, to, subject, body});
        mailNotifications.add(notificationId);
    }

    /** The outcomes of the lot, one row each; a row is only ever in one lot (its claim holds its lock). */
    private static final String OUTCOMES = """
            UPDATE notification n SET status = u.status, outcome = u.outcome, last_error = u.last_error, processed_at = now(),
                   lease_until = NULL, http_status = COALESCE(u.http_status, n.http_status),
                   attempts = GREATEST(n.attempts, u.attempts), updated_at = now()
            FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int[])
                 AS u(id, status, outcome, last_error, http_status, attempts)
            WHERE n.id = u.id""";

    /**
     * The parked notifications of the orders that got licenses in this lot: due again. After the
     * outcomes, so that one parked by this very lot (a refund handled before its order) is among them.
     */
    private static final String RELEASES = """
            UPDATE notification n SET status = 'RECEIVED', updated_at = now()
            FROM (SELECT DISTINCT vendor_id, order_ref FROM unnest(?::bigint[], ?::text[]) AS r(vendor_id, order_ref)) r
            WHERE n.vendor_id = r.vendor_id AND n.status = 'PARKED'
              AND (n.order_ref = r.order_ref OR n.subscription_refs && ARRAY(
                    SELECT subscription_ref FROM license
                    WHERE vendor_id = r.vendor_id AND order_ref = r.order_ref AND subscription_ref IS NOT NULL))
            RETURNING n.id""";

    private static final String MAILS = """
            INSERT INTO mail_outbox (dedup_key, kind, notification_id, reason_key, mail_from, mail_to, subject, body)
            SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
            ON CONFLICT (dedup_key) DO NOTHING""";

    /** Writes what the lot held, inside its transaction; returns the parked notifications released, to queue after the commit. */
    List<Long> flush(JdbcTemplate jdbc) {
        return jdbc.execute((Connection con) -> {
            if (!mails.isEmpty()) {
                try (PreparedStatement ps = con.prepareStatement(MAILS)) {
                    for (int c = 0; c < 8; c++) {
                        Object[] column = new Object[mails.size()];
                        for (int i = 0; i < column.length; i++) {
                            column[i] = c == 2 ? mailNotifications.get(i) : mails.get(i)[c < 2 ? c : c - 1];
                        }
                        ps.setArray(c + 1, con.createArrayOf(c == 2 ? "bigint" : "text", column));
                    }
                    ps.executeUpdate();
                }
            }
            if (!outcomes.isEmpty()) {
                try (PreparedStatement ps = con.prepareStatement(OUTCOMES)) {
                    String[] types = {"bigint", "text", "text", "text", "int4", "int4"};
                    for (int c = 0; c < types.length; c++) {
                        Object[] column = new Object[outcomes.size()];
                        for (int i = 0; i < column.length; i++) {
                            column[i] = outcomes.get(i)[c];
                        }
                        ps.setArray(c + 1, con.createArrayOf(types[c], column));
                    }
                    ps.executeUpdate();
                }
            }
            List<Long> released = new ArrayList<>();
            if (!releases.isEmpty()) {
                try (PreparedStatement ps = con.prepareStatement(RELEASES)) {
                    ps.setArray(1, con.createArrayOf("bigint", releases.stream().map(r -> r.get(0)).toArray()));
                    ps.setArray(2, con.createArrayOf("text", releases.stream().map(r -> r.get(1)).toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            released.add(rs.getLong(1));
                        }
                    }
                }
            }
            return released;
        });
    }
}
