package io.github.twocheckout.connector.alerts;

import io.github.twocheckout.connector.mail.Addressed;
import java.util.List;

/**
 * One alert or digest email, as the templates in config/mail read it ({@code ${variable.mail.summary}},
 * {@code ${variable.mail.linesText}} ...). {@code dedupKey} names the condition and its episode (vendor,
 * kind, window, gap or day), so that the outbox writes it once however many instances see it.
 */
public final class AlertMail implements Addressed {
    private final String kind;
    private final String dedupKey;
    private final List<String> to;
    private final String vendorCode;
    private final String vendorName;
    private final String summary;
    private final List<String> lines;

    public AlertMail(String kind, String dedupKey, List<String> to, String vendorCode, String vendorName,
                     String summary, List<String> lines) {
        this.kind = kind;
        this.dedupKey = dedupKey;
        this.to = List.copyOf(to);
        this.vendorCode = vendorCode;
        this.vendorName = vendorName;
        this.summary = summary;
        this.lines = List.copyOf(lines);
    }

    /** The vendor's contact and, when set, the operator's support address: who hears of an alert. */
    static List<String> recipients(Object contactEmail, String supportAddress) {
        java.util.Set<String> to = new java.util.LinkedHashSet<>();
        to.add((String) contactEmail);
        if (supportAddress != null && !supportAddress.isBlank()) {
            to.add(supportAddress.trim());
        }
        return List.copyOf(to);
    }

    /** A text (an error, a reason) on one line of the email. */
    static String oneLine(Object text) {
        return String.valueOf(text).replaceAll("\\s+", " ");
    }

    /** failure-share, silence, ins-gap, pool-low, delivery-failed or daily-digest. */
    public String getKind() {
        return kind;
    }

    /** Its template in config/mail, without the .txt: alert-KIND, or daily-digest. */
    public String getTemplate() {
        return "daily-digest".equals(kind) ? kind : "alert-" + kind;
    }

    public String getDedupKey() {
        return dedupKey;
    }

    @Override
    public String getTo() {
        return String.join(", ", to);
    }

    public List<String> getRecipients() {
        return to;
    }

    public String getVendorCode() {
        return vendorCode;
    }

    public String getVendorName() {
        return vendorName;
    }

    public String getSummary() {
        return summary;
    }

    public List<String> getLines() {
        return lines;
    }

    public String getLinesText() {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return kind + " for " + vendorCode + ": " + summary;
    }
}
