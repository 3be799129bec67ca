package io.github.twocheckout.connector.alerts;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The alert when something the connector sends out was given up on: an event delivery dead-lettered
 * (once per destination and hour: a receiver that is down fails many events at once) or an IDN that
 * 2Checkout never accepted (once per order and failure). To the vendor's contact and to support.
 */
public class DeliveryAlerts {

    private final JdbcTemplate jdbc;
    private String supportAddress = "";

    public DeliveryAlerts(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public AlertMail eventFailed(@Variable("eventDestinationId") long destinationId, @Variable("eventId") String eventId,
                                 @Variable("eventType") String type, @Variable("eventError") String error) {
        Map<String, Object> d = jdbc.queryForMap("""
                SELECT d.name, d.uri, c.name AS connector, v.code, v.name AS vendor_name, v.contact_email,
                       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') AS hour,
                       (SELECT count(*) FROM event_outbox o WHERE o.destination_id = d.id AND o.status = 'FAILED') AS failed
                FROM event_destination d JOIN connector c ON c.id = d.connector_id JOIN vendor v ON v.id = c.vendor_id
                WHERE d.id = ?""", destinationId);
        return new AlertMail("delivery-failed", "delivery-failed:event:" + destinationId + ":" + d.get("hour"), AlertMail.recipients(d.get("contact_email"), supportAddress),
                (String) d.get("code"), (String) d.get("vendor_name"),
                "events to '" + d.get("name") + "' could not be delivered",
                List.of("Destination: " + d.get("name") + " (connector " + d.get("connector") + ")",
                        "Endpoint: " + io.github.twocheckout.connector.outbound.EventOutbox.safeUri((String) d.get("uri")),
                        "Event given up on: " + eventId + " (" + type + ")",
                        "Last error: " + AlertMail.oneLine(error),
                        "Deliveries waiting for a replay at this destination: " + d.get("failed"),
                        "Replay them in the panel (Deliveries) or with POST /api/event-destinations/" + destinationId + "/replay."));
    }

    public AlertMail idnFailed(@Variable("idnId") long idnId, @Variable("idnAttempts") int attempts, @Variable("idnError") String error) {
        Map<String, Object> o = jdbc.queryForMap("""
                SELECT o.order_ref, o.order_amount, o.order_currency, v.code, v.name AS vendor_name, v.contact_email
                FROM idn_outbox o JOIN vendor v ON v.id = o.vendor_id WHERE o.id = ?""", idnId);
        return new AlertMail("delivery-failed", "delivery-failed:idn:" + idnId + ":" + attempts, AlertMail.recipients(o.get("contact_email"), supportAddress),
                (String) o.get("code"), (String) o.get("vendor_name"),
                "2Checkout did not accept the delivery confirmation (IDN) of order " + o.get("order_ref"),
                List.of("Order: " + o.get("order_ref") + ", " + o.get("order_amount") + " " + o.get("order_currency"),
                        "Attempts: " + attempts,
                        "Last error: " + AlertMail.oneLine(error),
                        "2Checkout keeps the order in progress until fulfilment is confirmed: confirm it in 2Checkout's",
                        "control panel, or retry in the connector's panel (Deliveries) or with POST /api/idn/" + idnId + "/retry."));
    }

    public void setSupportAddress(String supportAddress) {
        this.supportAddress = supportAddress;
    }
}
