package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiForbiddenException;
import io.github.twocheckout.connector.api.ApiUnauthorizedException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.api.TooManyAttemptsException;
import io.github.twocheckout.connector.model.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who may call the API and the panel. Sessions live in the database (several instances share them):
 * the cookie holds a random id, HttpOnly and SameSite=Strict, and every state-changing request must
 * also carry the session's CSRF token in {@code X-CSRF-Token}. Machines use the configured API token
 * ({@code Authorization: Bearer}), which reads every vendor and may diagnose (the support role's rights over
 * all vendors: it is the operator's own machine). Each request carries the vendors its principal may
 * see, read with the session, so a revoked grant takes effect on the next request. Logins are throttled per address
 * (a delay that grows) and per user; a user's lock does not apply to the addresses it logged in from
 * before, so that guessing from elsewhere cannot lock the owner out.
 */
public class PanelSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(PanelSecurity.class);
    public static final String COOKIE = "tco_session";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DEMO_TOKEN = "demo-api-token";

    private final JdbcTemplate jdbc;
    private final PanelUsers users;
    private final Map<String, Attempts> byAddress = new ConcurrentHashMap<>();
    private String apiToken = "";
    private String profile = "demo";
    private boolean cookieSecure;
    private long sessionIdleSeconds = 8 * 3600;
    private int maxFailures = 5;
    private long lockSeconds = 300;
    /**
     * A dummy hash, so that an unknown user costs the same time as a wrong password. Computed off the
     * start-up path: at the default cost it takes half a second of a cold JVM.
     */
    private java.util.concurrent.CompletableFuture<String> dummyHash;

    /** Login attempts from one address since its last success, and how often it was locked. */
    private static final class Attempts {
        int attempts;
        int locks;
        long until;
    }

    private AuditLog auditLog;

    /**
     * The vendors a user sees: every one (operator admin, as null), those with an open support grant
     * (support), or those the user belongs to (vendor roles).
     */
    static final String SCOPE = "CASE u.role WHEN 'admin' THEN NULL"
            + " WHEN 'support' THEN ARRAY(SELECT g.vendor_id FROM support_grant g WHERE " + SupportAccess.OPEN + " ORDER BY 1)"
            + " ELSE ARRAY(SELECT uv.vendor_id FROM panel_user_vendor uv WHERE uv.user_id = u.id ORDER BY 1) END AS vendor_ids";

    public PanelSecurity(DataSource dataSource, PanelUsers users) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.users = users;
    }

    /** Start-up check: no demo API token outside the demo profile. */
    public void check() {
        if (!"demo".equals(profile) && DEMO_TOKEN.equals(apiToken)) {
            throw new IllegalStateException("refusing to start with profile '" + profile + "': api.token is the demo token; "
                    + "set API_TOKEN to a secret of your own, or to nothing to turn token access off");
        }
        dummyHash = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> users.encoder().encode("not a password " + RANDOM.nextLong()));
    }

    /** POST /api/session {username, password}: a session cookie and the CSRF token, or 401/429. */
    public Map<String, Object> login(Exchange exchange) {
        Map<String, Object> in = Json.object(exchange.getMessage().getBody(String.class));
        String username = Json.text(in, "username");
        String password = Json.text(in, "password");
        String address = AuditLog.address(exchange.getMessage());
        long now = System.currentTimeMillis();
        Attempts a = byAddress.computeIfAbsent(address == null ? "?" : address, k -> new Attempts());
        // Counted before the password is checked, so that concurrent guesses cannot all slip in under the limit.
        synchronized (a) {
            if (a.until > now) {
                throw new TooManyAttemptsException((a.until - now) / 1000 + 1);
            }
            if (++a.attempts > maxFailures * 4) {
                // A delay that grows for this address (several people may share one, behind a NAT: four times
                // a user's allowance): lockSeconds, doubling with each further lock, at most 64 x.
                long delay = lockSeconds * 1000 * (1L << Math.min(a.locks, 6));
                a.until = now + delay;
                a.locks++;
                a.attempts = 0;
                LOG.warn("panel login: address {} locked for {} s after {} attempts", address, delay / 1000, maxFailures * 4);
                throw new TooManyAttemptsException(delay / 1000);
            }
        }
        if (username == null || password == null) {
            throw new IllegalArgumentException("username and password are required");
        }
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT id, username, role, password_hash, disabled_at IS NOT NULL AS disabled,
                       EXISTS (SELECT 1 FROM panel_login_address k WHERE k.user_id = u.id AND k.address = ?
                               AND k.last_success_at > now() - interval '90 days') AS known_address,
                """ + SCOPE + " FROM panel_user u WHERE username = ?", String.valueOf(address), username);
        Map<String, Object> user = rows.isEmpty() ? null : rows.get(0);
        if (user != null && !Boolean.TRUE.equals(user.get("known_address"))) {
            // The account's own count, from addresses it has not logged in from: reserved in one statement
            // (atomic across requests and instances); after maxFailures the account is locked for such
            // addresses for lockSeconds, doubling with each further attempt.
            List<Integer> reserved = jdbc.queryForList("""
                    UPDATE panel_user SET failed_logins = failed_logins + 1,
                           locked_until = CASE WHEN failed_logins + 1 >= ?
                                THEN now() + make_interval(secs => ? * power(2, LEAST(failed_logins + 1 - ?, 6)))
                                ELSE locked_until END
                    WHERE id = ? AND (locked_until IS NULL OR locked_until <= now())
                    RETURNING failed_logins""", Integer.class, maxFailures, lockSeconds, maxFailures, user.get("id"));
            if (reserved.isEmpty()) {
                Timestamp until = jdbc.queryForObject("SELECT locked_until FROM panel_user WHERE id = ?", Timestamp.class, user.get("id"));
                long wait = until == null ? 1 : Math.max(1, until.toInstant().getEpochSecond() - Instant.now().getEpochSecond());
                LOG.warn("panel login: user {} is locked for unknown addresses ({} s left); attempt from {} refused", username, wait, address);
                throw new TooManyAttemptsException(wait);
            }
            if (reserved.get(0) >= maxFailures) {
                LOG.warn("panel login: user {} locked for unknown addresses after {} attempts, the last from {}",
                        username, reserved.get(0), address);
            }
        }
        boolean ok = users.encoder().matches(password, user == null ? dummyHash.join() : (String) user.get("password_hash"));
        if (!ok || user == null || Boolean.TRUE.equals(user.get("disabled"))) {
            LOG.warn("panel login failed: user={} from {}", username, address);
            if (auditLog != null) {
                auditLog.login(username, null, false, address, user == null ? "unknown user"
                        : Boolean.TRUE.equals(user.get("disabled")) ? "user disabled" : "wrong password");
            }
            throw new ApiUnauthorizedException("wrong username or password");
        }
        synchronized (a) {
            a.attempts = 0;
            a.locks = 0;
        }
        long userId = ((Number) user.get("id")).longValue();
        jdbc.update("UPDATE panel_user SET failed_logins = 0, locked_until = NULL WHERE id = ?", userId);
        jdbc.update("""
                INSERT INTO panel_login_address (user_id, address) VALUES (?, ?)
                ON CONFLICT (user_id, address) DO UPDATE SET last_success_at = now()""", userId, String.valueOf(address));
        jdbc.update("DELETE FROM panel_session WHERE expires_at < now()");
        String sessionId = token(32);
        String csrf = token(24);
        jdbc.update("""
                INSERT INTO panel_session (id_hash, user_id, csrf_token, expires_at)
                VALUES (?, ?, ?, now() + make_interval(secs => ?))""", sha256(sessionId), userId, csrf, sessionIdleSeconds);
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=" + sessionId + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + sessionIdleSeconds + (cookieSecure ? "; Secure" : ""));
        LOG.info("panel login: user={} from {}", user.get("username"), address);
        if (auditLog != null) {
            auditLog.login((String) user.get("username"), (String) user.get("role"), true, address, null);
        }
        return session(new Principal(userId, (String) user.get("username"), (String) user.get("role"), sha256(sessionId), csrf,
                vendorIds(user.get("vendor_ids"))));
    }

    /** GET /api/session: who is logged in, what they may do, the vendors they see, and the CSRF token for changes. */
    public Map<String, Object> session(Principal p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("username", p.username());
        out.put("role", p.role());
        out.put("mayChange", p.mayChange());
        out.put("mayDiagnose", p.mayDiagnose());
        out.put("allVendors", p.allVendors());
        out.put("vendors", p.allVendors() ? jdbc.queryForList("SELECT id, code, name FROM vendor ORDER BY name")
                : jdbc.queryForList("SELECT id, code, name FROM vendor WHERE id = ANY(?::bigint[]) ORDER BY name", p.vendorArray()));
        out.put("csrfToken", p.csrfToken());
        return out;
    }

    static List<Long> vendorIds(Object sqlArray) {
        if (sqlArray == null) {
            return null;
        }
        try {
            Object[] values = (Object[]) ((java.sql.Array) sqlArray).getArray();
            List<Long> ids = new java.util.ArrayList<>(values.length);
            for (Object v : values) {
                ids.add(((Number) v).longValue());
            }
            return List.copyOf(ids);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DELETE /api/session: the session ends, the cookie is cleared. */
    public Map<String, Object> logout(Exchange exchange) {
        Principal p = exchange.getVariable("principal", Principal.class);
        if (p != null && p.sessionIdHash() != null) {
            jdbc.update("DELETE FROM panel_session WHERE id_hash = ?", p.sessionIdHash());
        }
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                + (cookieSecure ? "; Secure" : ""));
        return Map.of("loggedOut", true);
    }

    /**
     * Sets variable {@code principal} from the session cookie or the API token; 401 without either.
     * A state-changing request on a session needs the CSRF token. Must run before the request headers
     * are removed.
     */
    public void authenticate(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        Principal p = null;
        if (authorization != null && authorization.startsWith("Bearer ")) {
            String given = authorization.substring(7).trim();
            if (apiToken != null && !apiToken.isBlank() && MessageDigest.isEqual(apiToken.getBytes(StandardCharsets.UTF_8),
                    given.getBytes(StandardCharsets.UTF_8))) {
                p = new Principal(null, "api-token", Principal.SUPPORT, null, null, null);
            } else {
                throw new ApiUnauthorizedException("unknown API token");
            }
        } else {
            String sessionId = cookie(exchange.getMessage().getHeader("Cookie", String.class));
            if (sessionId != null) {
                List<Map<String, Object>> rows = jdbc.queryForList("""
                        UPDATE panel_session s SET last_seen_at = now(), expires_at = now() + make_interval(secs => ?)
                        FROM panel_user u
                        WHERE s.id_hash = ? AND s.expires_at > now() AND u.id = s.user_id AND u.disabled_at IS NULL
                        RETURNING u.id, u.username, u.role, s.csrf_token, """ + SCOPE, sessionIdleSeconds, sha256(sessionId));
                if (!rows.isEmpty()) {
                    Map<String, Object> r = rows.get(0);
                    p = new Principal(((Number) r.get("id")).longValue(), (String) r.get("username"), (String) r.get("role"),
                            sha256(sessionId), (String) r.get("csrf_token"), vendorIds(r.get("vendor_ids")));
                }
            }
            if (p == null) {
                throw new ApiUnauthorizedException("login required");
            }
            if (method != null && !method.equals("GET") && !method.equals("HEAD")) {
                String csrf = exchange.getMessage().getHeader("X-CSRF-Token", String.class);
                if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                        p.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                    throw new ApiForbiddenException("missing or wrong X-CSRF-Token");
                }
            }
        }
        exchange.setVariable("principal", p);
    }

    /** The operator's administrator only: new vendors, the configuration file, signing keys, every user. */
    public void requireAdmin(Exchange exchange) {
        if (!principal(exchange).isAdmin()) {
            throw new ApiForbiddenException("this needs the operator's admin role");
        }
    }

    /** Changes (to the vendors in scope): admin or vendor-admin. */
    public void requireChange(Exchange exchange) {
        if (!principal(exchange).mayChange()) {
            throw new ApiForbiddenException("this needs the admin or vendor-admin role");
        }
    }

    /** Replays and test notifications: anyone but a vendor's viewer. */
    public void requireDiagnose(Exchange exchange) {
        if (!principal(exchange).mayDiagnose()) {
            throw new ApiForbiddenException("this needs the admin, vendor-admin or support role");
        }
    }

    private static Principal principal(Exchange exchange) {
        Principal p = exchange.getVariable("principal", Principal.class);
        if (p == null) {
            throw new ApiUnauthorizedException("login required");
        }
        return p;
    }

    /** Headers on every panel and API answer: no sniffing, no framing, no caching, scripts from here only. */
    public void securityHeaders(Exchange exchange) {
        var m = exchange.getMessage();
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("X-Frame-Options", "DENY");
        m.setHeader("Referrer-Policy", "no-referrer");
        m.setHeader("Cache-Control", "no-store");
        m.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
        if (cookieSecure) {
            m.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
    }

    static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                String v = p.substring(COOKIE.length() + 1).trim();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    static String token(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        return io.github.twocheckout.connector.config.ConnectorConfigLoader.sha256Hex(s);
    }

    public void setAuditLog(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    public void setApiToken(String apiToken) {
        this.apiToken = apiToken;
    }

    public void setProfile(String profile) {
        this.profile = profile;
    }

    public void setCookieSecure(boolean cookieSecure) {
        this.cookieSecure = cookieSecure;
    }

    public void setSessionIdleSeconds(long sessionIdleSeconds) {
        this.sessionIdleSeconds = sessionIdleSeconds;
    }

    public void setMaxFailures(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    public void setLockSeconds(long lockSeconds) {
        this.lockSeconds = lockSeconds;
    }
}
