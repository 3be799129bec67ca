package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The panel's users: admins (everything) and support (read everything but secrets, replay, send test
 * notifications). Passwords are BCrypt hashes. The first admin comes from configuration; outside the
 * demo profile the connector refuses to start with an empty or demo password.
 */
public class PanelUsers {

    private static final Logger LOG = LoggerFactory.getLogger(PanelUsers.class);
    /** The demo profile's admin password, printed in the README: never accepted outside the demo profile. */
    static final String DEMO_PASSWORD = "demo-admin";
    private static final int MIN_PASSWORD = 12;

    private final JdbcTemplate jdbc;
    private BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(12);
    private String profile = "demo";
    private String adminUsername = "admin";
    private String adminPassword = "";
    private String panelUrl = "/panel/";

    public PanelUsers(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Creates the first admin from configuration when there is no admin yet. */
    public void bootstrap() {
        boolean demo = "demo".equals(profile);
        if (!demo && (adminPassword == null || adminPassword.isBlank() || adminPassword.equals(DEMO_PASSWORD)
                || adminPassword.length() < MIN_PASSWORD)) {
            throw new IllegalStateException("refusing to start with profile '" + profile + "': set panel.admin.password "
                    + "(PANEL_ADMIN_PASSWORD) to a password of at least " + MIN_PASSWORD + " characters that is not the demo one");
        }
        Integer admins = jdbc.queryForObject("SELECT count(*) FROM panel_user WHERE role = 'admin' AND disabled_at IS NULL", Integer.class);
        // Where a newcomer goes next, and how to get in (never the password itself).
        LOG.info("Control panel: {} - log in as '{}' with panel.admin.password (PANEL_ADMIN_PASSWORD{})", panelUrl, adminUsername,
                demo ? "; the demo profile's default is in the README" : "");
        if (admins != null && admins > 0) {
            return;
        }
        String password = adminPassword == null || adminPassword.isBlank() ? DEMO_PASSWORD : adminPassword;
        jdbc.update("""
                INSERT INTO panel_user (username, role, password_hash, created_by) VALUES (?, 'admin', ?, 'configuration')
                ON CONFLICT (username) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash, updated_at = now()""",
                adminUsername, encoder.encode(password));
        LOG.info("Panel admin '{}' created from configuration{}", adminUsername, demo && password.equals(DEMO_PASSWORD)
                ? " with the demo password (demo profile only)" : "");
    }

    public List<Map<String, Object>> list() {
        return jdbc.queryForList("""
                SELECT id, username, role, created_by, created_at, updated_at, disabled_at,
                       (locked_until IS NOT NULL AND locked_until > now()) AS locked
                FROM panel_user ORDER BY disabled_at IS NOT NULL, username""");
    }

    /** {username, password, role}: a new user; answers the user without the hash. */
    public Map<String, Object> create(@Body String body, @Variable("principal") Principal by) {
        Map<String, Object> in = Json.object(body);
        String username = Json.required(in, "username");
        if (!username.matches("[A-Za-z0-9._@-]{2,64}")) {
            throw new IllegalArgumentException("username: 2 to 64 letters, digits or . _ @ -");
        }
        String role = role(Json.required(in, "role"));
        String password = password(Json.required(in, "password"));
        try {
            Long id = jdbc.queryForObject("""
                    INSERT INTO panel_user (username, role, password_hash, created_by) VALUES (?, ?, ?, ?) RETURNING id""",
                    Long.class, username, role, encoder.encode(password), by.username());
            LOG.info("Panel user '{}' ({}) created by {}", username, role, by.username());
            return get(id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("a user named '" + username + "' exists");
        }
    }

    /** {role?, password?}: changes take effect on the user's next request. */
    public Map<String, Object> update(@Header("id") long id, @Body String body, @Variable("principal") Principal by) {
        Map<String, Object> in = Json.object(body);
        get(id);
        String role = Json.text(in, "role");
        if (role != null) {
            role(role);
            if (!role.equals("admin")) {
                keepAnAdmin(id);
            }
            jdbc.update("UPDATE panel_user SET role = ?, updated_at = now() WHERE id = ?", role, id);
        }
        String password = Json.text(in, "password");
        if (password != null) {
            jdbc.update("UPDATE panel_user SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = ?",
                    encoder.encode(password(password)), id);
            // A new password ends every other session of that user.
            jdbc.update("DELETE FROM panel_session WHERE user_id = ? AND id_hash IS DISTINCT FROM ?", id, by.sessionIdHash());
        }
        LOG.info("Panel user {} changed by {}{}{}", id, by.username(), role != null ? ", role " + role : "",
                password != null ? ", new password" : "");
        return get(id);
    }

    /**
     * Disables a user and ends their sessions: locked out from the next request on. The row stays, so
     * the audit log keeps naming who did what; the name stays taken.
     */
    public Map<String, Object> delete(@Header("id") long id, @Variable("principal") Principal by) {
        Map<String, Object> user = get(id);
        if (by.userId() != null && by.userId() == id) {
            throw new ApiConflictException("you cannot remove yourself");
        }
        keepAnAdmin(id);
        jdbc.update("UPDATE panel_user SET disabled_at = now(), updated_at = now() WHERE id = ? AND disabled_at IS NULL", id);
        jdbc.update("DELETE FROM panel_session WHERE user_id = ?", id);
        LOG.info("Panel user '{}' disabled by {}", user.get("username"), by.username());
        return Map.of("id", id, "removed", true, "disabled", true);
    }

    public Map<String, Object> get(long id) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT id, username, role, created_by, created_at, updated_at FROM panel_user WHERE id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no user " + id);
        }
        return rows.get(0);
    }

    private void keepAnAdmin(long id) {
        Integer others = jdbc.queryForObject("SELECT count(*) FROM panel_user WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?",
                Integer.class, id);
        if (others == null || others == 0) {
            throw new ApiConflictException("this is the last admin");
        }
    }

    private static String role(String role) {
        if (!role.equals(Principal.ADMIN) && !role.equals(Principal.SUPPORT)) {
            throw new IllegalArgumentException("role: admin or support");
        }
        return role;
    }

    private static String password(String password) {
        if (password.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("password: at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > 72) {
            throw new IllegalArgumentException("password: at most 72 characters"); // BCrypt reads 72 bytes
        }
        return password;
    }

    BCryptPasswordEncoder encoder() {
        return encoder;
    }

    public void setPasswordCost(int cost) {
        this.encoder = new BCryptPasswordEncoder(cost);
    }

    public void setProfile(String profile) {
        this.profile = profile;
    }

    public void setAdminUsername(String adminUsername) {
        this.adminUsername = adminUsername;
    }

    public void setAdminPassword(String adminPassword) {
        this.adminPassword = adminPassword;
    }

    public void setPanelUrl(String panelUrl) {
        this.panelUrl = panelUrl;
    }
}
