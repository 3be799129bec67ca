package io.github.twocheckout.connector.mail;

import java.util.List;

/**
 * The content of one email to a vendor (or to support), as the templates in config/mail read it:
 * {@code ${variable.mail.orderRef}}, {@code ${variable.mail.linesText}} and so on.
 */
public final class VendorMail implements Addressed {
    private final List<String> to;
    private final String vendorName;
    private final String connectorName;
    private final Long notificationId;
    private final String channel;
    private final String messageType;
    private final String orderRef;
    private final List<String> lines;
    private final String reason;
    private final boolean test;
    /** The processing attempt an error email is about (its outbox key); null: as the row says. */
    private final Integer attempt;

    public VendorMail(List<String> to, String vendorName, String connectorName, Long notificationId, String channel,
                      String messageType, String orderRef, List<String> lines, String reason, boolean test) {
        this(to, vendorName, connectorName, notificationId, channel, messageType, orderRef, lines, reason, test, null);
    }

    private VendorMail(List<String> to, String vendorName, String connectorName, Long notificationId, String channel,
                       String messageType, String orderRef, List<String> lines, String reason, boolean test, Integer attempt) {
        this.to = List.copyOf(to);
        this.vendorName = vendorName;
        this.connectorName = connectorName;
        this.notificationId = notificationId;
        this.channel = channel;
        this.messageType = messageType;
        this.orderRef = orderRef;
        this.lines = lines == null ? List.of() : List.copyOf(lines);
        this.reason = reason;
        this.test = test;
        this.attempt = attempt;
    }

    @Override
    public String getTo() {
        return String.join(", ", to);
    }

    public List<String> getRecipients() {
        return to;
    }

    public String getVendorName() {
        return vendorName == null ? "" : vendorName;
    }

    public String getConnectorName() {
        return connectorName == null ? "" : connectorName;
    }

    public Long getNotificationId() {
        return notificationId;
    }

    /** The same email, about the given processing attempt of its notification. */
    public VendorMail forAttempt(int attempt) {
        return new VendorMail(to, vendorName, connectorName, notificationId, channel, messageType, orderRef, lines, reason, test,
                attempt);
    }

    public Integer getAttempt() {
        return attempt;
    }

    public String getChannel() {
        return channel == null ? "" : channel;
    }

    public String getMessageType() {
        return messageType == null ? "" : messageType;
    }

    public String getOrderRef() {
        return orderRef == null ? "(unknown)" : orderRef;
    }

    public String getLinesText() {
        return lines.isEmpty() ? "" : "  " + String.join("\n  ", lines);
    }

    public String getReason() {
        return reason == null ? "" : reason;
    }

    public boolean isTest() {
        return test;
    }

    public String getTestNote() {
        return test ? " [TEST]" : "";
    }
}
