package io.github.twocheckout.connector.model;

/**
 * The call is readable but not trusted (unknown vendor, wrong hash): answered 403 and recorded with
 * the reason. The reason names fields and algorithms, never a secret.
 */
public class NotificationRejectedException extends IntakeRejection {
    private final Long vendorId;
    private final String diagnostics;

    public NotificationRejectedException(String reason, Long vendorId, String diagnostics) {
        super(reason);
        this.vendorId = vendorId;
        this.diagnostics = diagnostics;
    }

    /** What was checked and how, for the notification record (lengths, algorithms, secret generation). */
    public String getDiagnostics() {
        return diagnostics;
    }

    public Long getVendorId() {
        return vendorId;
    }
}
