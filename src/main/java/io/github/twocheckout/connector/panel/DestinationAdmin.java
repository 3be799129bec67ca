package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Principal;
import io.github.twocheckout.connector.outbound.EventOutbox;
import io.github.twocheckout.connector.protocol.WebhookSignature;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A connector's event destinations in the panel and API. The secret is write-only, as a vendor's are:
 * an answer says whether one is set, never what it is (the panel makes one in the browser, shows it
 * once, and sends it here). A rotation keeps the old secret as secret_previous, so both sign until the
 * receiver has the new one and the rotation is ended.
 */
public class DestinationAdmin {

    private static final String COLUMNS = """
            d.id, d.connector_id, c.name AS connector, d.name, d.uri, d.event_types, d.enabled,
            d.secret IS NOT NULL AS secret_set, d.secret_previous IS NOT NULL AS secret_previous_set,
            (SELECT count(*) FROM event_outbox o WHERE o.destination_id = d.id AND o.status = 'PENDING') AS pending,
            (SELECT count(*) FROM event_outbox o WHERE o.destination_id = d.id AND o.status = 'FAILED') AS failed,
            (SELECT max(sent_at) FROM event_outbox o WHERE o.destination_id = d.id) AS last_sent_at,
            d.created_at, d.updated_at
            FROM event_destination d JOIN connector c ON c.id = d.connector_id""";

    private final JdbcTemplate jdbc;

    private final VendorScope scope;

    public DestinationAdmin(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.scope = new VendorScope(dataSource);
    }

    /** The destinations of the caller's vendors' connectors, or of one connector. */
    public List<Map<String, Object>> list(@Header("connector") String connector, @Variable("principal") Principal p) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new java.util.ArrayList<>();
        if (connector != null && !connector.isBlank()) {
            where.append(" AND d.connector_id = ?");
            args.add(Long.parseLong(connector.trim()));
        }
        p.restrict(where, args, "c.vendor_id");
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT " + COLUMNS + where + " ORDER BY c.name, d.name", args.toArray());
        rows.forEach(r -> r.put("uri", EventOutbox.safeUri((String) r.get("uri"))));
        return rows;
    }

    public Map<String, Object> get(@Header("id") long id) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT " + COLUMNS + " WHERE d.id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no event destination " + id);
        }
        Map<String, Object> row = rows.get(0);
        row.put("uri", EventOutbox.safeUri((String) row.get("uri")));
        return row;
    }

    /** {connectorId, name, uri, types?, enabled?, secret?}: the connector must be one of the caller's vendors'. */
    public Map<String, Object> create(@Body String body, @Variable("principal") Principal p, Exchange exchange) {
        Map<String, Object> in = Json.object(body);
        long connector = Long.parseLong(Json.required(in, "connectorId"));
        scope.connector(connector, p, exchange);
        String uri = checkedUri(exchange.getContext(), Json.required(in, "uri"));
        String secret = checkedSecret(Json.text(in, "secret"));
        try {
            Long id = jdbc.queryForObject("""
                    INSERT INTO event_destination (connector_id, name, uri, event_types, enabled, secret)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING id""", Long.class, connector, Json.required(in, "name"), uri,
                    types(Json.text(in, "types")), !Boolean.FALSE.equals(Json.bool(in, "enabled")), secret);
            return get(id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("the connector has a destination of this name");
        } catch (org.springframework.dao.DataIntegrityViolationException e) {
            throw new IllegalArgumentException("no connector " + connector);
        }
    }

    /**
     * Changes what is given. {@code secret} replaces the secret; with {@code "rotate": true} the old one
     * stays as the previous secret (both sign); {@code "endRotation": true} drops the previous one.
     */
    public Map<String, Object> update(@Header("id") long id, @Body String body, Exchange exchange) {
        Map<String, Object> in = Json.object(body);
        get(id);
        String uri = Json.text(in, "uri");
        jdbc.update("""
                UPDATE event_destination SET name = COALESCE(?, name), uri = COALESCE(?, uri), event_types = COALESCE(?, event_types),
                       enabled = COALESCE(?, enabled), updated_at = now()
                WHERE id = ?""", Json.text(in, "name"), uri == null ? null : checkedUri(exchange.getContext(), uri),
                Json.text(in, "types") == null ? null : types(Json.text(in, "types")), Json.bool(in, "enabled"), id);
        String secret = Json.text(in, "secret");
        if (secret != null) {
            String checked = checkedSecret(secret);
            if (Boolean.TRUE.equals(Json.bool(in, "rotate"))) {
                jdbc.update("UPDATE event_destination SET secret_previous = secret, secret = ? WHERE id = ?", checked, id);
            } else {
                jdbc.update("UPDATE event_destination SET secret = ? WHERE id = ?", checked, id);
            }
        }
        if (Boolean.TRUE.equals(Json.bool(in, "endRotation"))) {
            jdbc.update("UPDATE event_destination SET secret_previous = NULL WHERE id = ?", id);
        }
        return get(id);
    }

    /** Removes a destination and its queue (its undelivered events are dropped with it). */
    public Map<String, Object> delete(@Header("id") long id) {
        if (jdbc.update("DELETE FROM event_destination WHERE id = ?", id) == 0) {
            throw new ApiNotFoundException("no event destination " + id);
        }
        return Map.of("deleted", id);
    }

    /** A URI some component on the class path serves; for another, the dependency it needs is named. */
    private static String checkedUri(CamelContext camel, String uri) {
        String u = uri.trim();
        int colon = u.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("uri must be a Camel endpoint URI, scheme:..., such as https://crm.example.com/hooks");
        }
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        if (camel.getComponent(scheme, true, false) == null) {
            throw new IllegalArgumentException("no Camel component '" + scheme + "' on the class path: add camel-" + scheme
                    + " (README, Extending)");
        }
        return u;
    }

    private static String checkedSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            return null;
        }
        if (!WebhookSignature.isSecret(secret)) {
            throw new IllegalArgumentException("secret must be whsec_ followed by base64 of at least 16 random bytes");
        }
        return secret.trim();
    }

    private static String types(String types) {
        return types == null || types.isBlank() ? "*" : types.replace(" ", "");
    }
}
