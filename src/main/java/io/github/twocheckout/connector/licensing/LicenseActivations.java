package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiForbiddenException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.language.simple.Simple;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the buyer's application asks of a license code (POST /v1/licenses/activate, validate,
 * deactivate): a seat per machine up to the product's maxActivations, the license's state now, and
 * the seat given back. Each answer is a {@link LicenseState} for {@link LicenseDocuments} to sign.
 *
 * <p>Seats: maxActivations per unit; a code that covers a whole line (code mode per_line) has
 * maxActivations times the line's quantity. The same fingerprint again is the same seat. Seats are
 * counted with the license row locked, so two machines racing for the last seat cannot both get it.
 *
 * <p>A license may be activated while ACTIVE, or PAST_DUE within {@code pastDueGrace} of the end of its
 * paid term; validate answers for any state (a revoked license is seen as revoked), but only for a
 * machine that holds a seat.
 */
public class LicenseActivations {

    /** Printable, no spaces: a hash or a vendor's own machine id. */
    private static final Pattern FINGERPRINT = Pattern.compile("[A-Za-z0-9._:+/=-]{8,200}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9-]{4,100}");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private Duration pastDueGrace = Duration.ofDays(7);

    public LicenseActivations(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** The application's request: the code, the machine's fingerprint and, on activate, its name. */
    public record Request(String code, String fingerprint, String machineName) {
    }

    /** Reads and checks the JSON body; 400 with what is wrong, before anything is looked up. */
    public Request read(@Body String body) {
        Map<String, Object> in = Json.object(body);
        String code = Json.required(in, "code").toUpperCase(Locale.ROOT);
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("'code' is not a license code");
        }
        String fingerprint = Json.required(in, "fingerprint");
        if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("'fingerprint': 8 to 200 characters of A-Z a-z 0-9 . _ : + / = -");
        }
        String name = Json.text(in, "machineName");
        if (name != null && (name.length() > 100 || name.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("'machineName': at most 100 characters, no control characters");
        }
        return new Request(code, fingerprint, name);
    }

    public LicenseState activate(@Variable("licenseRequest") Request r, @Variable("clientAddress") String clientAddress) {
        return tx.execute(s -> {
            Map<String, Object> l = lockLicense(r.code());
            long id = ((Number) l.get("id")).longValue();
            String status = (String) l.get("status");
            Instant graceEnd = graceEnd(l);
            boolean usable = status.equals("ACTIVE") || (status.equals("PAST_DUE") && Instant.now().isBefore(graceEnd));
            if (!usable) {
                throw new ApiForbiddenException("the license is " + status
                        + (status.equals("PAST_DUE") ? " beyond its grace period" : "") + "; it cannot be activated");
            }
            List<Map<String, Object>> seat = jdbc.queryForList(
                    "SELECT id FROM license_activation WHERE license_id = ? AND fingerprint = ? AND released_at IS NULL", id, r.fingerprint());
            int used = seatsUsed(id);
            if (seat.isEmpty()) {
                int seats = seats(l);
                if (used >= seats) {
                    throw new ApiConflictException("the license is activated on " + used + " of " + seats
                            + " machines, its limit (maxActivations " + l.get("max_activations") + perLine(l)
                            + "); deactivate one to move it");
                }
                jdbc.update("""
                        INSERT INTO license_activation (license_id, fingerprint, machine_name, client_address) VALUES (?, ?, ?, ?)""",
                        id, r.fingerprint(), r.machineName(), clientAddress);
                used++;
                event(id, "ACTIVATED", status, r, "machine " + describe(r) + " activated (" + used + " of " + seats + ")");
            } else {
                jdbc.update("UPDATE license_activation SET last_seen_at = now(), machine_name = COALESCE(?, machine_name) WHERE id = ?",
                        r.machineName(), seat.get(0).get("id"));
            }
            return state(l, r, true, used);
        });
    }

    /** One statement: the license, this machine's seat and the seats taken (validations are most of the calls). */
    public LicenseState validate(@Variable("licenseRequest") Request r) {
        List<Map<String, Object>> rows = jdbc.queryForList(LICENSE + """

                , a.id AS seat_id, a.machine_name AS seat_name, a.last_seen_at < now() - interval '1 minute' AS stale,
                  (SELECT count(*) FROM license_activation x WHERE x.license_id = l.id AND x.released_at IS NULL) AS seats_used
                """ + FROM + """

                LEFT JOIN license_activation a ON a.license_id = l.id AND a.fingerprint = ? AND a.released_at IS NULL
                WHERE l.code = ?""", r.fingerprint(), r.code());
        if (rows.isEmpty()) {
            throw new UnknownLicenseCodeException();
        }
        Map<String, Object> l = rows.get(0);
        int used = ((Number) l.get("seats_used")).intValue();
        if (l.get("seat_id") == null) {
            return state(l, r, false, used);
        }
        if (Boolean.TRUE.equals(l.get("stale"))) {
            // Last seen to the minute: a validation per call would be a write per call.
            jdbc.update("UPDATE license_activation SET last_seen_at = now() WHERE id = ?", l.get("seat_id"));
        }
        return state(l, new Request(r.code(), r.fingerprint(), (String) l.get("seat_name")), true, used);
    }

    public LicenseState deactivate(@Variable("licenseRequest") Request r) {
        return tx.execute(s -> {
            Map<String, Object> l = lockLicense(r.code());
            long id = ((Number) l.get("id")).longValue();
            int released = jdbc.update("""
                    UPDATE license_activation SET released_at = now(), released_by = 'application'
                    WHERE license_id = ? AND fingerprint = ? AND released_at IS NULL""", id, r.fingerprint());
            if (released == 0) {
                throw new ApiNotFoundException("this machine holds no seat of the license");
            }
            event(id, "DEACTIVATED", (String) l.get("status"), r, "machine " + describe(r) + " deactivated by the application");
            return state(l, r, false, seatsUsed(id));
        });
    }

    /** A seat released from the panel (a buyer who lost the machine): by activation id, with who did it; 404 if not held. */
    public void release(@Header("id") long licenseId, @Header("activationId") long activationId,
                        @Simple("${variable.principal.username()}") String by) {
        tx.executeWithoutResult(s -> {
            List<Map<String, Object>> a = jdbc.queryForList("""
                    UPDATE license_activation SET released_at = now(), released_by = ?
                    WHERE id = ? AND license_id = ? AND released_at IS NULL RETURNING fingerprint, machine_name""", by, activationId, licenseId);
            if (a.isEmpty()) {
                throw new ApiNotFoundException("license " + licenseId + " has no machine " + activationId + " holding a seat");
            }
            String status = jdbc.queryForObject("SELECT status FROM license WHERE id = ?", String.class, licenseId);
            Request r = new Request(null, (String) a.get(0).get("fingerprint"), (String) a.get(0).get("machine_name"));
            jdbc.update("""
                    INSERT INTO license_event (license_id, event, event_key, from_status, to_status, detail, actor)
                    VALUES (?, 'DEACTIVATED', ?, ?, ?, ?, ?)""", licenseId, "DEACTIVATED:" + java.util.UUID.randomUUID(), status, status,
                    "machine " + describe(r) + " released in the panel", by);
        });
    }

    public void setPastDueGrace(String isoDuration) {
        this.pastDueGrace = Duration.parse(isoDuration);
    }

    private static final String LICENSE = """
            SELECT l.id, l.code, l.status, l.quantity, l.unit_no, l.test, l.issued_at, l.expires_at, l.updated_at,
                   l.customer_name, l.customer_email, m.product_id, m.product_code, m.name AS product_name, m.edition,
                   m.license_type, m.max_activations, v.code AS vendor_code""";
    private static final String FROM = """
            FROM license l JOIN product_mapping m ON m.id = l.product_mapping_id JOIN vendor v ON v.id = l.vendor_id""";

    /** The license row, locked for the seat count of activate and deactivate; 404 for an unknown code. */
    private Map<String, Object> lockLicense(String code) {
        List<Map<String, Object>> rows = jdbc.queryForList(LICENSE + "\n" + FROM + "\nWHERE l.code = ? FOR UPDATE OF l", code);
        if (rows.isEmpty()) {
            throw new UnknownLicenseCodeException();
        }
        return rows.get(0);
    }

    private int seatsUsed(Object licenseId) {
        return jdbc.queryForObject("SELECT count(*) FROM license_activation WHERE license_id = ? AND released_at IS NULL",
                Integer.class, licenseId);
    }

    private void event(long licenseId, String event, String status, Request r, String detail) {
        jdbc.update("""
                INSERT INTO license_event (license_id, event, event_key, from_status, to_status, detail, actor)
                VALUES (?, ?, ?, ?, ?, ?, 'application')""", licenseId, event, event + ":" + java.util.UUID.randomUUID(), status, status, detail);
    }

    private LicenseState state(Map<String, Object> l, Request r, boolean activated, int used) {
        return new LicenseState(((Number) l.get("id")).longValue(), (String) l.get("code"), (String) l.get("status"),
                (String) l.get("vendor_code"), (String) l.get("product_id"), (String) l.get("product_code"), (String) l.get("product_name"),
                (String) l.get("edition"), (String) l.get("license_type"), (String) l.get("customer_name"), (String) l.get("customer_email"),
                ((Number) l.get("quantity")).intValue(), ((Number) l.get("max_activations")).intValue(), seats(l), used,
                Boolean.TRUE.equals(l.get("test")), instant(l.get("issued_at")), instant(l.get("expires_at")), graceEnd(l),
                activated ? r.fingerprint() : null, activated ? r.machineName() : null, activated);
    }

    /** Past due: usable until the paid term's end plus the grace (from the last change when there is no term). */
    private Instant graceEnd(Map<String, Object> l) {
        Instant from = instant(l.get("expires_at"));
        return (from != null ? from : instant(l.get("updated_at"))).plus(pastDueGrace);
    }

    private static int seats(Map<String, Object> l) {
        int max = ((Number) l.get("max_activations")).intValue();
        return ((Number) l.get("unit_no")).intValue() == 0 ? max * ((Number) l.get("quantity")).intValue() : max;
    }

    private static String perLine(Map<String, Object> l) {
        int quantity = ((Number) l.get("quantity")).intValue();
        return ((Number) l.get("unit_no")).intValue() == 0 && quantity > 1 ? " x quantity " + quantity : "";
    }

    private static String describe(Request r) {
        String fp = r.fingerprint().length() > 12 ? r.fingerprint().substring(0, 12) + "..." : r.fingerprint();
        return (r.machineName() == null ? "" : "'" + r.machineName() + "' ") + "(" + fp + ")";
    }

    private static Instant instant(Object o) {
        if (o instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        return null;
    }

    /** 404 without saying more: an answer must not help a caller enumerate codes. */
    public static class UnknownLicenseCodeException extends ApiNotFoundException {
        public UnknownLicenseCodeException() {
            super("no such license code");
        }
    }
}
