package io.github.twocheckout.connector.fault;

import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.simulator.CallResult;
import io.github.twocheckout.connector.simulator.FormFields;
import io.github.twocheckout.connector.simulator.SimCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a fault scenario promises, checked against the database: every call that was acknowledged
 * (2xx) is stored and finished; no order has more licenses than its units; no renewal is applied twice.
 * The figures make one row of the reliability table.
 */
public final class FaultCheck implements Consumer<CallResult> {

    private final ConcurrentLinkedQueue<CallResult> results = new ConcurrentLinkedQueue<>();
    /** When the scenario began: its rows are those received since. */
    private final java.sql.Timestamp started = java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1));

    /** Figures of one scenario. {@code lost}: acknowledged but not stored or never finished; {@code duplicates}: licenses beyond an order's units. */
    public record Figures(String scenario, long sent, long acknowledged, long processed, long licenses, long duplicateDeliveries,
                          long duplicateLicenses, long doubleRenewals, long lost, List<String> problems) {

        public String row() {
            return String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %d |", scenario, sent, acknowledged, processed, licenses,
                    duplicateDeliveries, duplicateLicenses, doubleRenewals, lost);
        }

        public static String header() {
            return "| scenario | sent | acknowledged | processed | licenses | duplicate deliveries | duplicate licenses | renewals applied twice | lost |\n"
                    + "|---|---|---|---|---|---|---|---|---|";
        }
    }

    @Override
    public void accept(CallResult result) {
        results.add(result);
    }

    public List<CallResult> results() {
        return new ArrayList<>(results);
    }

    /** Waits (up to the timeout) for every acknowledged call to be finished, then measures. */
    public Figures verify(String scenario, JdbcTemplate jdbc, Duration timeout) {
        List<CallResult> all = results();
        Map<String, SimCall> acked = new LinkedHashMap<>();
        for (CallResult r : all) {
            if (r.status() >= 200 && r.status() < 300) {
                acked.putIfAbsent(md5(r.call().body()), r.call());
            }
        }
        String[] hashes = acked.keySet().toArray(String[]::new);
        // The unfinished calls as of the poll that ended the wait (what a later read would call unfinished
        // is what the connector took up again after it, not what it left undone).
        java.util.concurrent.atomic.AtomicReference<List<String>> openAtEnd = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            // Measured once the connector is done with everything of this scenario, not only with what was
            // acknowledged: a call stored but never answered (a crash between the commit and the answer)
            // is processed later, and releases the follow-ups parked for it, which are unfinished again.
            await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<String> o = unfinished(jdbc, hashes);
                openAtEnd.set(o);
                return o.isEmpty() && jdbc.queryForObject(
                        "SELECT count(*) FROM notification WHERE status IN ('RECEIVED', 'PROCESSING') AND received_at >= ?",
                        Integer.class, started) == 0;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // measured below: what is still missing or unfinished is "lost"
        }
        List<String> problems = new ArrayList<>();
        List<String> open = openAtEnd.get() == null ? unfinished(jdbc, hashes) : openAtEnd.get();
        if (!open.isEmpty()) {
            problems.add(open.size() + " acknowledged call(s) not stored or not finished, e.g. " + open.get(0));
        }
        long processed = hashes.length - open.size();
        Long duplicateDeliveries = jdbc.queryForObject(
                "SELECT coalesce(sum(duplicates), 0) FROM notification WHERE md5(raw_body) = ANY (?)", Long.class, (Object) hashes);

        // Licenses: no order more than its units. Renewals: at least those acknowledged, at most those sent (a call
        // that got no answer because the connector died may have been stored before it did).
        Map<String, Integer> expectedUnits = new HashMap<>();
        Map<String, Set<String>> renewals = new HashMap<>();
        Map<String, Set<String>> renewalsSent = new HashMap<>();
        for (CallResult r : all) {
            FormFields f = r.call().form();
            if (r.call().channel() == SimCall.Channel.INS && "RECURRING_INSTALLMENT_SUCCESS".equals(f.get("message_type"))) {
                renewalsSent.computeIfAbsent(r.call().orderRef(), k -> new HashSet<>()).add("invoice:" + f.get("invoice_id"));
            } else if (r.call().channel() == SimCall.Channel.IPN && f.array("IPN_LICENSE_TYPE[]").contains("RENEWAL")) {
                renewalsSent.computeIfAbsent(r.call().orderRef(), k -> new HashSet<>()).add("order:" + f.get("REFNO"));
            }
        }
        for (SimCall call : acked.values()) {
            FormFields f = call.form();
            switch (call.channel()) {
                case INS -> {
                    if ("ORDER_CREATED".equals(f.get("message_type"))) {
                        // INS has no quantity: one line per unit, as 2Checkout sends them.
                        expectedUnits.merge(call.orderRef(), Integer.parseInt(f.get("item_count")), Math::max);
                    } else if ("RECURRING_INSTALLMENT_SUCCESS".equals(f.get("message_type"))) {
                        renewals.computeIfAbsent(call.orderRef(), k -> new HashSet<>()).add("RENEWED:invoice:" + f.get("invoice_id"));
                    }
                }
                case IPN -> {
                    boolean renewal = f.array("IPN_LICENSE_TYPE[]").contains("RENEWAL");
                    if (renewal && "COMPLETE".equals(f.get("ORDERSTATUS"))) {
                        renewals.computeIfAbsent(call.orderRef(), k -> new HashSet<>()).add("RENEWED:order:" + f.get("REFNO"));
                    } else if (!renewal && "COMPLETE".equals(f.get("ORDERSTATUS"))) {
                        expectedUnits.merge(call.orderRef(), Integer.parseInt(f.array("IPN_QTY[]").get(0)), Math::max);
                    }
                }
                case KEYGEN -> expectedUnits.merge(call.orderRef(), Integer.parseInt(f.get("QUANTITY")), Math::max);
                default -> { }
            }
        }
        String[] orders = expectedUnits.keySet().toArray(String[]::new);
        Map<String, Long> licenses = new HashMap<>();
        jdbc.query("SELECT order_ref, count(*) AS n FROM license WHERE order_ref = ANY (?) GROUP BY order_ref",
                rs -> {
                    licenses.put(rs.getString("order_ref"), rs.getLong("n"));
                }, (Object) orders);
        long duplicateLicenses = 0;
        long missingLicenses = 0;
        for (Map.Entry<String, Integer> e : expectedUnits.entrySet()) {
            long n = licenses.getOrDefault(e.getKey(), 0L);
            duplicateLicenses += Math.max(0, n - e.getValue());
            missingLicenses += Math.max(0, e.getValue() - n);
        }
        if (duplicateLicenses > 0) {
            problems.add(duplicateLicenses + " license(s) beyond their order's units");
        }
        if (missingLicenses > 0) {
            problems.add(missingLicenses + " unit(s) of acknowledged orders without a license");
        }

        // Renewals: each license extended at most once per renewal, and exactly once unless revoked.
        long doubleRenewals = 0;
        for (Map.Entry<String, Set<String>> e : renewalsSent.entrySet()) {
            int sentRenewals = e.getValue().size();
            int ackedRenewals = renewals.getOrDefault(e.getKey(), Set.of()).size();
            List<Map<String, Object>> rows = jdbc.queryForList("""
                    SELECT l.id, l.status, count(ev.id) FILTER (WHERE ev.event_key LIKE 'RENEWED:order:%%' OR ev.event_key LIKE 'RENEWED:invoice:%%') AS renewed
                    FROM license l LEFT JOIN license_event ev ON ev.license_id = l.id
                    WHERE l.order_ref = ? GROUP BY l.id, l.status""".replace("%%", "%"), e.getKey());
            for (Map<String, Object> l : rows) {
                long renewed = ((Number) l.get("renewed")).longValue();
                if (renewed > sentRenewals) {
                    doubleRenewals += renewed - sentRenewals;
                } else if (renewed < ackedRenewals && !"REVOKED".equals(l.get("status"))) {
                    problems.add("license " + l.get("id") + " of order " + e.getKey() + " renewed " + renewed + " time(s) for "
                            + ackedRenewals + " acknowledged renewal(s)");
                }
            }
        }
        if (doubleRenewals > 0) {
            problems.add(doubleRenewals + " renewal(s) applied twice");
        }
        long licenseCount = licenses.values().stream().mapToLong(Long::longValue).sum();
        return new Figures(scenario, all.size(), acked.size(), processed, licenseCount, duplicateDeliveries == null ? 0 : duplicateDeliveries,
                duplicateLicenses, doubleRenewals, open.size() + missingLicenses, problems);
    }

    /**
     * Acknowledged bodies without a stored, finished row. A parked row is finished only while nothing can
     * release it: once its order or subscription has a license, the connector applies it (in the same
     * commit as the license, or by the recovery timer when the park committed after that), and until
     * then the licenses' counts would be read half-way.
     */
    private static List<String> unfinished(JdbcTemplate jdbc, String[] hashes) {
        Set<String> done = new HashSet<>(jdbc.queryForList("""
                SELECT md5(raw_body) FROM notification n WHERE md5(raw_body) = ANY (?)
                  AND (status IN ('PROCESSED', 'IGNORED')
                       OR status = 'PARKED' AND NOT EXISTS (
                           SELECT 1 FROM license l WHERE l.vendor_id = n.vendor_id
                             AND (l.order_ref = n.order_ref OR l.subscription_ref = ANY (n.subscription_refs))))""",
                String.class, (Object) hashes));
        List<String> open = new ArrayList<>();
        for (String h : hashes) {
            if (!done.contains(h)) {
                open.add(h);
            }
        }
        return open;
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
