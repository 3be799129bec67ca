package io.github.twocheckout.connector.mail;

import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Decides who is told what. Success: the vendor's contact and the connector's recipients, when the
 * connector asks for it. Errors: the same people when the connector is known, otherwise the
 * operator's support address. The buyer is never written to: 2Checkout delivers the codes.
 */
public class MailPlanner {

    private final JdbcTemplate jdbc;
    private String supportAddress = "support@localhost";

    public MailPlanner(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** One email per connector that issued codes in this run and asks to be told. */
    public List<VendorMail> successMails(@Variable("notification") StoredNotification notification,
                                         @Variable("report") ProcessingReport report) {
        List<VendorMail> mails = new ArrayList<>();
        for (ProcessingReport.Issued issued : report.getIssued()) {
            // Read with the product in the same transaction; a query of its own only if the lookup had not.
            ProductLicense.Mailing m = issued.getMailing() != null ? issued.getMailing()
                    : ProductLicense.Mailing.from(connector(issued.getConnectorId()));
            if (m == null || !m.emailOnSuccess()) {
                continue;
            }
            mails.add(new VendorMail(recipients(m.contactEmail(), m.recipients()), m.vendorName(), issued.getConnectorName(),
                    notification.getId(), notification.getChannel(), notification.getMessageType(),
                    notification.getOrderRef(), issued.getLines(), null, issued.isTest()));
        }
        return mails;
    }

    /** The error email for a notification that failed (business error or dead letter). */
    public VendorMail errorMail(@Variable("notification") StoredNotification notification,
                                @Variable("report") ProcessingReport report, @Variable("failureReason") String failureReason) {
        // Written inside the attempt's transaction, before the row has the attempt number: say it here.
        return errorMailOf(notification, report, failureReason).forAttempt(notification.getAttempts());
    }

    private VendorMail errorMailOf(StoredNotification notification, ProcessingReport report, String failureReason) {
        Long connectorId = report == null ? null : report.getErrorConnectorId();
        String reason = failureReason != null ? failureReason : report == null ? "unknown error" : report.getErrorText();
        Map<String, Object> c = connectorId == null ? null : connector(connectorId);
        return new VendorMail(c == null ? List.of(supportAddress) : recipients((String) c.get("contact_email"), (String) c.get("recipients")), c == null ? null : (String) c.get("vendor_name"),
                c == null ? null : (String) c.get("name"), notification.getId(), notification.getChannel(),
                notification.getMessageType(), notification.getOrderRef(),
                report == null ? List.of() : List.of(report.getSummary()), reason, false);
    }

    /** The error email of the dead letter channel, from what the failed attempt left in exchange properties. */
    public VendorMail deadLetterMail(Exchange exchange) {
        StoredNotification notification = exchange.getProperty(
                io.github.twocheckout.connector.model.ProcessingReport.DEAD_LETTER_NOTIFICATION, StoredNotification.class);
        if (notification == null) { // failed before the attempt began (claiming it)
            notification = new StoredNotification(exchange.getVariable("notificationId", Long.class), null, null, null, null, null, 0);
        }
        // After markFailed: the row has the final attempt count.
        return errorMailOf(notification,
                exchange.getProperty(io.github.twocheckout.connector.model.ProcessingReport.DEAD_LETTER_REPORT, ProcessingReport.class),
                exchange.getVariable("failureReason", String.class));
    }

    /** The email about a call that was answered 4xx: the sender is not trusted, so support is told. */
    public VendorMail rejectionMail(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return new VendorMail(List.of(supportAddress), null, null, exchange.getVariable("notificationId", Long.class),
                exchange.getVariable("channel", String.class), null, null,
                List.of("answered HTTP " + status + " to " + exchange.getVariable("remoteAddress", String.class)),
                exchange.getVariable("rejectionReason", String.class), false);
    }

    /**
     * The email about a notification parked longer than the configured age: the order (or subscription)
     * it refers to never reached the connector, so a person has to look. To the vendor, else support.
     */
    public VendorMail parkedMail(@org.apache.camel.Body StoredNotification notification) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT n.outcome, n.received_at, v.name AS vendor_name, v.contact_email
                FROM notification n LEFT JOIN vendor v ON v.id = n.vendor_id WHERE n.id = ?""", notification.getId());
        Map<String, Object> row = rows.isEmpty() ? Map.of() : rows.get(0);
        String contact = (String) row.get("contact_email");
        return new VendorMail(contact == null ? List.of(supportAddress) : List.of(contact.trim()), (String) row.get("vendor_name"),
                null, notification.getId(), notification.getChannel(), notification.getMessageType(), notification.getOrderRef(),
                List.of(String.valueOf(row.get("outcome"))),
                "still parked since " + row.get("received_at") + ": the order or subscription it refers to has not been licensed",
                false);
    }

    private Map<String, Object> connector(long connectorId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT c.name, c.email_on_success, c.recipients, v.contact_email, v.name AS vendor_name
                FROM connector c JOIN vendor v ON v.id = c.vendor_id WHERE c.id = ?""", connectorId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The vendor's contact, then the connector's extra recipients (comma separated), each once. */
    private static List<String> recipients(String contactEmail, String recipients) {
        Set<String> to = new LinkedHashSet<>();
        to.add(contactEmail.trim());
        Arrays.stream(recipients.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).forEach(to::add);
        return new ArrayList<>(to);
    }

    public void setSupportAddress(String supportAddress) {
        this.supportAddress = supportAddress;
    }
}
