package io.github.twocheckout.connector.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Who makes a request: a user with a session (cookie; {@code csrfToken} must come back on changes), or
 * the configured API token (no cookie, so no CSRF token), and the vendors they may see: every vendor
 * ({@code vendorIds} null) or the listed ones. Read fresh from the database on every request, so a
 * disabled user, a changed role or a revoked support grant takes effect at once.
 */
public record Principal(Long userId, String username, String role, String sessionIdHash, String csrfToken, List<Long> vendorIds) {

    /** The operator's administrator: every vendor, every change. */
    public static final String ADMIN = "admin";
    /** The operator's support team: vendors that granted access; read and diagnose, no secrets, no changes. */
    public static final String SUPPORT = "support";
    /** A vendor's administrator: their vendor's configuration, secrets, licenses, destinations and users. */
    public static final String VENDOR_ADMIN = "vendor-admin";
    /** A vendor's reader. */
    public static final String VENDOR_VIEWER = "vendor-viewer";
    public static final List<String> ROLES = List.of(ADMIN, SUPPORT, VENDOR_ADMIN, VENDOR_VIEWER);

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** May change configuration, licenses and users (of the vendors in scope). */
    public boolean mayChange() {
        return ADMIN.equals(role) || VENDOR_ADMIN.equals(role);
    }

    /** May replay notifications and deliveries and send test notifications. */
    public boolean mayDiagnose() {
        return mayChange() || SUPPORT.equals(role);
    }

    public boolean allVendors() {
        return vendorIds == null;
    }

    /** The scope as a PostgreSQL array literal ({@code ?::bigint[]}), or null for every vendor. */
    public String vendorArray() {
        return vendorIds == null ? null : vendorIds.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    public boolean viaSession() {
        return sessionIdHash != null;
    }

    /** Adds this caller's scope to a list's WHERE clause: nothing for every vendor, else the vendor column among theirs. */
    public void restrict(StringBuilder where, List<Object> args, String vendorColumn) {
        if (allVendors()) {
            return;
        }
        // One vendor (the usual case) as an equality, which an index on (vendor, ...) serves in its order.
        if (vendorIds.size() == 1) {
            where.append(" AND ").append(vendorColumn).append(" = ?");
            args.add(vendorIds.get(0));
        } else {
            where.append(" AND ").append(vendorColumn).append(" = ANY(?::bigint[])");
            args.add(vendorArray());
        }
    }
}
