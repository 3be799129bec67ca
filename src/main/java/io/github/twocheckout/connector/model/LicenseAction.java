package io.github.twocheckout.connector.model;

import java.util.Set;

/**
 * What a notification can do to the licenses of an order line, with the statuses it applies to.
 * {@code parkWhenMissing}: a change that refers to an order we have no license for yet is parked
 * and applied when the order arrives; a fraud failure or decline for an order we never licensed
 * simply has nothing to do.
 */
public enum LicenseAction {
    REVOKE_REFUND("REVOKED", "REVOKED", "refunded", Set.of("ACTIVE", "PAST_DUE", "SUSPENDED", "EXPIRED"), true, false),
    SUSPEND_REFUND("SUSPENDED", "SUSPENDED", "refunded", Set.of("ACTIVE", "PAST_DUE"), true, false),
    NOTE_REFUND("REFUND_NOTED", null, "refunded", Set.of(), true, false),
    REVOKE_FRAUD("REVOKED", "REVOKED", "fraud review failed", Set.of("ACTIVE", "PAST_DUE", "SUSPENDED", "EXPIRED"), false, false),
    REVOKE_DECLINED("REVOKED", "REVOKED", "invoice declined", Set.of("ACTIVE", "PAST_DUE", "SUSPENDED", "EXPIRED"), false, false),
    PAST_DUE("PAST_DUE", "PAST_DUE", "renewal payment failed", Set.of("ACTIVE"), true, false),
    SUSPEND_UNPAID("SUSPENDED", "SUSPENDED", "renewal payment failed", Set.of("ACTIVE", "PAST_DUE"), true, false),
    STOP_RENEWALS("RENEWALS_STOPPED", null, "recurring billing stopped", Set.of(), true, true),
    REVOKE_STOPPED("REVOKED", "REVOKED", "recurring billing stopped", Set.of("ACTIVE", "PAST_DUE", "SUSPENDED"), true, true),
    COMPLETE_RENEWALS("RENEWALS_COMPLETE", null, "billing schedule complete", Set.of(), true, true),
    REINSTATE("REINSTATED", "ACTIVE", "recurring billing restarted", Set.of("PAST_DUE", "SUSPENDED", "EXPIRED"), true, false),
    // LCN: the subscription's state as 2Checkout reports it. A hold set for another reason (a refund,
    // a failed fraud review) is not lifted or overwritten by a subscription change.
    LCN_DISABLE("SUSPENDED", "SUSPENDED", "subscription disabled", Set.of("ACTIVE", "PAST_DUE"), true, false),
    LCN_EXPIRE("EXPIRED", "EXPIRED", "subscription expired", Set.of("ACTIVE", "PAST_DUE"), true, false),
    LCN_PAST_DUE("PAST_DUE", "PAST_DUE", "subscription past due", Set.of("ACTIVE"), true, false),
    LCN_ACTIVATE("REACTIVATED", "ACTIVE", "subscription active", Set.of(), true, false);

    /** Reasons of holds that come from the subscription itself, and that later subscription changes may lift. */
    public static final Set<String> SUBSCRIPTION_HOLDS = Set.of("subscription disabled", "subscription expired",
            "subscription past due", "renewal payment failed");

    /** True when this action may move a license out of its current status (and reason). */
    public boolean appliesTo(String status, Object statusReason) {
        if (targetStatus == null) {
            return false;
        }
        if (from.contains(status)) {
            return true;
        }
        boolean subscriptionHold = statusReason != null && SUBSCRIPTION_HOLDS.contains(statusReason.toString());
        return switch (this) {
            case LCN_ACTIVATE -> Set.of("PAST_DUE", "SUSPENDED", "EXPIRED").contains(status) && subscriptionHold;
            case LCN_EXPIRE -> "SUSPENDED".equals(status) && subscriptionHold;
            case REINSTATE -> "REVOKED".equals(status) && REVOKE_STOPPED.reason.equals(statusReason);
            default -> false;
        };
    }

    public final String event;
    public final String targetStatus;
    public final String reason;
    public final Set<String> from;
    public final boolean parkWhenMissing;
    public final boolean stopsRenewing;

    LicenseAction(String event, String targetStatus, String reason, Set<String> from, boolean parkWhenMissing,
                  boolean stopsRenewing) {
        this.event = event;
        this.targetStatus = targetStatus;
        this.reason = reason;
        this.from = from;
        this.parkWhenMissing = parkWhenMissing;
        this.stopsRenewing = stopsRenewing;
    }
}
