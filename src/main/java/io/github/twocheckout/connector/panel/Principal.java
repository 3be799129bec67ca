package io.github.twocheckout.connector.panel;

/**
 * Who makes a request: a user with a session (cookie; {@code csrfToken} must come back on changes), or
 * the configured API token (no cookie, so no CSRF token). Read fresh from the database on every
 * request, so a removed user or a changed role takes effect at once.
 */
public record Principal(Long userId, String username, String role, String sessionIdHash, String csrfToken) {

    public static final String ADMIN = "admin";
    public static final String SUPPORT = "support";

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    public boolean viaSession() {
        return sessionIdHash != null;
    }
}
