package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.api.ApiForbiddenException;
import io.github.twocheckout.connector.model.Principal;
import java.util.ArrayList;
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
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The panel's users. The operator's: admin (everything) and support (the vendors that granted access:
 * read, replay, send test notifications). A vendor's: vendor-admin (that vendor's configuration, licenses
 * and users) and vendor-viewer (reading it). The operator's admin manages every user; a vendor's admin
 * manages the users of their vendors, with vendor roles only. Passwords are BCrypt hashes. The first
 * admin comes from configuration; outside the demo profile the connector refuses to start with an
 * empty or demo password.
 */
public class PanelUsers {

    private static final Logger LOG = LoggerFactory.getLogger(PanelUsers.class);
    /** The demo profile's admin password, printed in the README: never accepted outside the demo profile. */
    static final String DEMO_PASSWORD = "demo-admin";
    private static final int MIN_PASSWORD = 12;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final VendorScope scope;
    private BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(12);
    private String profile = "demo";
    private String adminUsername = "admin";
    private String adminPassword = "";
    private String panelUrl = "/panel/";

    public PanelUsers(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.scope = new VendorScope(dataSource);
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

    private static final String COLUMNS = """
            SELECT u.id, u.username, u.role, u.created_by, u.created_at, u.updated_at, u.disabled_at,
                   (u.locked_until IS NOT NULL AND u.locked_until > now()) AS locked,
                   (SELECT string_agg(v.id::text, ',' ORDER BY v.code) FROM panel_user_vendor uv JOIN vendor v ON v.id = uv.vendor_id
                    WHERE uv.user_id = u.id) AS vendor_ids,
                   (SELECT string_agg(v.code, ',' ORDER BY v.code) FROM panel_user_vendor uv JOIN vendor v ON v.id = uv.vendor_id
                    WHERE uv.user_id = u.id) AS vendors
            FROM panel_user u""";
    /** Every user for the operator's admin; a vendor's admin, the users of their vendors. */
    public List<Map<String, Object>> list(@Variable("principal") Principal p) {
        List<Map<String, Object>> rows = p.allVendors()
                ? jdbc.queryForList(COLUMNS + " ORDER BY u.disabled_at IS NOT NULL, u.username")
                : jdbc.queryForList(COLUMNS + " WHERE " + VendorScope.USER_IN_SCOPE + " ORDER BY u.disabled_at IS NOT NULL, u.username", p.vendorArray());
        rows.forEach(PanelUsers::vendorList);
        return rows;
    }

    /**
     * {username, password, role, vendorIds}: a new user; answers the user without the hash. Vendor roles
     * need their vendors (a vendor's admin gives their own, or gets them by default); the operator's roles have none.
     */
    public Map<String, Object> create(@Body String body, @Variable("principal") Principal by) {
        Map<String, Object> in = Json.object(body);
        String username = Json.required(in, "username");
        if (!username.matches("[A-Za-z0-9._@-]{2,64}")) {
            throw new IllegalArgumentException("username: 2 to 64 letters, digits or . _ @ -");
        }
        String role = role(Json.required(in, "role"), by);
        String password = password(Json.required(in, "password"));
        List<Long> vendors = vendors(role, in, by, true);
        try {
            Long id = tx.execute(s -> {
                Long created = jdbc.queryForObject("""
                        INSERT INTO panel_user (username, role, password_hash, created_by) VALUES (?, ?, ?, ?) RETURNING id""",
                        Long.class, username, role, encoder.encode(password), by.username());
                setVendors(created, vendors);
                return created;
            });
            LOG.info("Panel user '{}' ({}) created by {}", username, role, by.username());
            return get(id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("a user named '" + username + "' exists");
        }
    }

    /**
     * The vendors a user of this role is given: those asked for, each in the caller's scope; for a
     * vendor's admin who names none, their own. The operator's roles have none.
     */
    private List<Long> vendors(String role, Map<String, Object> in, Principal by, boolean creating) {
        boolean vendorRole = vendorRole(role);
        List<Long> asked = new ArrayList<>();
        if (in.get("vendorIds") instanceof List<?> list) {
            for (Object o : list) {
                asked.add(Long.parseLong(String.valueOf(o)));
            }
        } else if (in.containsKey("vendorIds") && in.get("vendorIds") != null) {
            throw new IllegalArgumentException("vendorIds: a list of vendor ids");
        } else if (!creating) {
            return null;
        }
        if (!vendorRole) {
            if (!asked.isEmpty()) {
                throw new IllegalArgumentException("the " + role + " role belongs to the operator: it takes no vendorIds");
            }
            return List.of();
        }
        if (asked.isEmpty() && !by.allVendors()) {
            asked.addAll(by.vendorIds());
        }
        if (asked.isEmpty()) {
            throw new IllegalArgumentException("vendorIds: the vendor(s) a " + role + " belongs to");
        }
        for (Long v : asked) {
            scope.named(v, by, null);
        }
        return asked;
    }

    private static boolean vendorRole(String role) {
        return role.equals(Principal.VENDOR_ADMIN) || role.equals(Principal.VENDOR_VIEWER);
    }

    private void setVendors(long userId, List<Long> vendors) {
        jdbc.update("DELETE FROM panel_user_vendor WHERE user_id = ?", userId);
        for (Long v : vendors) {
            jdbc.update("INSERT INTO panel_user_vendor (user_id, vendor_id) VALUES (?, ?)", userId, v);
        }
    }

    /** {role?, vendorIds?, password?}: changes take effect on the user's next request. */
    public Map<String, Object> update(@Header("id") long id, @Body String body, @Variable("principal") Principal by) {
        Map<String, Object> in = Json.object(body);
        Map<String, Object> current = get(id);
        String role = Json.text(in, "role");
        String newRole = role == null ? (String) current.get("role") : role(role, by);
        // A user moving between the operator's roles and a vendor's is given vendors anew (or loses them).
        boolean sideChanged = vendorRole(newRole) != vendorRole((String) current.get("role"));
        List<Long> vendors = vendors(newRole, in, by, sideChanged);
        if (role != null && !role.equals(Principal.ADMIN)) {
            keepAnAdmin(id);
        }
        tx.executeWithoutResult(s -> {
            if (role != null) {
                jdbc.update("UPDATE panel_user SET role = ?, updated_at = now() WHERE id = ?", role, id);
            }
            if (vendors != null) {
                setVendors(id, vendors);
                jdbc.update("UPDATE panel_user SET updated_at = now() WHERE id = ?", id);
            }
        });
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
        List<Map<String, Object>> rows = jdbc.queryForList(COLUMNS + " WHERE u.id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no user " + id);
        }
        return vendorList(rows.get(0));
    }

    private static Map<String, Object> vendorList(Map<String, Object> row) {
        String ids = (String) row.get("vendor_ids");
        row.put("vendor_ids", ids == null ? List.of() : java.util.Arrays.stream(ids.split(",")).map(Long::valueOf).toList());
        return row;
    }

    private void keepAnAdmin(long id) {
        Integer others = jdbc.queryForObject("SELECT count(*) FROM panel_user WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?",
                Integer.class, id);
        if (others == null || others == 0) {
            throw new ApiConflictException("this is the last admin");
        }
    }

    /** A role the caller may give: any for the operator's admin, a vendor role for a vendor's admin. */
    private static String role(String role, Principal by) {
        if (!Principal.ROLES.contains(role)) {
            throw new IllegalArgumentException("role: one of " + String.join(", ", Principal.ROLES));
        }
        if (!by.isAdmin() && !vendorRole(role)) {
            throw new ApiForbiddenException("a vendor's admin gives the vendor-admin or vendor-viewer role");
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
