package io.github.twocheckout.connector.panel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import io.github.twocheckout.connector.model.Principal;
import io.github.twocheckout.connector.storage.ListPage;

/**
 * The audit log: logins (and failed ones) and every change made through the API or the panel, who
 * made it, on what, with what outcome. A change is captured when it arrives (captureRequest, after
 * the login check: its request with every secret masked) and written when it is answered (recorded,
 * from api-json or api-error), so a refused change is on record too.
 */
public class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|token|key).*");

    private final JdbcTemplate jdbc;

    public AuditLog(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Notes a change (any method but GET and HEAD) that passed the login check, for {@link #recorded}. */
    public void captureRequest(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if (method != null && !method.equals("GET") && !method.equals("HEAD")) {
            capture(exchange, method);
        }
    }

    /** Notes a read that takes data away (an export, a CSV download): on record like a change. */
    public void captureExport(Exchange exchange) {
        capture(exchange, "GET");
    }

    private void capture(Exchange exchange, String method) {
        Message m = exchange.getMessage();
        String body = m.getBody(String.class);
        m.setBody(body);
        String route = exchange.getFromRouteId();
        exchange.setVariable("auditAction", route == null ? method : route.replaceFirst("^api-", "").replaceFirst("-rest$", ""));
        exchange.setVariable("auditTarget", method + " " + m.getHeader(Exchange.HTTP_PATH, String.class));
        exchange.setVariable("auditDetail", method.equals("GET") ? m.getHeader(Exchange.HTTP_QUERY, String.class) : masked(body));
        exchange.setVariable("auditAddress", address(m));
    }

    /** Writes the captured change with its outcome (the answer's status, or the error's). Never fails the answer. */
    public void recorded(Exchange exchange) {
        String action = exchange.getVariable("auditAction", String.class);
        if (action == null) {
            return;
        }
        exchange.removeVariable("auditAction");
        Principal p = exchange.getVariable("principal", Principal.class);
        Integer status = exchange.getVariable("httpStatus", Integer.class);
        if (status == null) {
            status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        }
        Long vendorId = exchange.getVariable("auditVendorId", Long.class);
        if (vendorId == null && p != null && p.vendorIds() != null && p.vendorIds().size() == 1) {
            vendorId = p.vendorIds().get(0); // a vendor's user with one vendor acts for it
        }
        write(p == null ? "?" : p.username(), p == null ? null : p.role(), action, exchange.getVariable("auditTarget", String.class),
                status == null ? 200 : status, exchange.getVariable("auditDetail", String.class), exchange.getVariable("auditAddress", String.class),
                vendorId);
    }

    /** A login, or a failed one (then actor is the name tried). */
    public void login(String username, String role, boolean ok, String address, String detail) {
        write(username == null ? "?" : username, role, ok ? "login" : "login-failed", "POST /api/session", ok ? 200 : 401, detail, address,
                null);
    }

    private void write(String actor, String role, String action, String target, Integer outcome, String detail, String address,
                       Long vendorId) {
        try {
            jdbc.update("""
                    INSERT INTO audit_log (actor, role, action, target, outcome, detail, address, vendor_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    clip(actor, 200), role, action, clip(target, 500), outcome, clip(detail, 4000), address, vendorId);
        } catch (RuntimeException e) {
            LOG.error("audit log entry not written ({} {} by {}): {}", action, target, actor, e.getMessage());
        }
    }

    static final Map<String, String> SORTABLE = Map.of("id", "id", "at", "at", "actor", "actor", "action", "action",
            "outcome", "outcome");

    /**
     * Entries, newest first, filtered, a page at a time (offset, limit, sort) with the total in
     * X-Total-Count. The operator's admin reads every entry; a vendor's admin, those about their vendors
     * and the logins of their vendors' users.
     */
    public List<Map<String, Object>> search(@Header("actor") String actor, @Header("action") String action, @Header("from") String from,
                                            @Header("to") String to, @Header("q") String q, @Header("limit") String limit,
                                            @Header("offset") String offset, @Header("sort") String sort,
                                            @Variable("principal") Principal p, Exchange exchange) {
        List<Object> args = new ArrayList<>();
        String where = where(actor, action, from, to, q, p, args);
        return ListPage.of(offset, limit, sort, SORTABLE, "id DESC", "id").query(jdbc, "audit_log", where, args,
                "SELECT id, at, actor, role, action, target, outcome, detail, address, vendor_id FROM {page} a", exchange);
    }

    /** The same entries as CSV (every one that matches, oldest first). */
    public String csv(@Header("actor") String actor, @Header("action") String action, @Header("from") String from,
                      @Header("to") String to, @Header("q") String q, @Variable("principal") Principal p, Exchange exchange) {
        List<Object> args = new ArrayList<>();
        String where = where(actor, action, from, to, q, p, args);
        StringBuilder out = new StringBuilder("id,at,actor,role,action,target,outcome,address,detail\n");
        jdbc.query("SELECT id, at, actor, role, action, target, outcome, address, detail FROM audit_log" + where + " ORDER BY id",
                rs -> {
                    out.append(rs.getLong(1)).append(',').append(rs.getTimestamp(2).toInstant()).append(',');
                    for (int i = 3; i <= 9; i++) {
                        out.append(csvField(rs.getString(i))).append(i < 9 ? "," : "\n");
                    }
                }, args.toArray());
        exchange.getMessage().setHeader("Content-Type", "text/csv; charset=UTF-8");
        exchange.getMessage().setHeader("Content-Disposition", "attachment; filename=\"audit-log.csv\"");
        return out.toString();
    }

    private static String where(String actor, String action, String from, String to, String q, Principal p, List<Object> args) {
        StringBuilder w = new StringBuilder(" WHERE TRUE");
        if (!p.allVendors()) {
            w.append(" ").append("""
                    AND (vendor_id = ANY(?::bigint[]) OR vendor_id IS NULL AND actor IN (SELECT u.username FROM panel_user u
                         JOIN panel_user_vendor uv ON uv.user_id = u.id WHERE uv.vendor_id = ANY(?::bigint[])))""");
            args.add(p.vendorArray());
            args.add(p.vendorArray());
        }
        if (present(actor)) {
            w.append(" AND actor = ?");
            args.add(actor.trim());
        }
        if (present(action)) {
            w.append(" AND action = ?");
            args.add(action.trim());
        }
        if (present(from)) {
            w.append(" AND at >= ?");
            args.add(Timestamp.from(LocalDate.parse(from.trim()).atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
        if (present(to)) {
            w.append(" AND at < ?");
            args.add(Timestamp.from(LocalDate.parse(to.trim()).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
        if (present(q)) {
            w.append(" AND (target ILIKE ? OR detail ILIKE ? OR actor ILIKE ?)");
            String like = "%" + q.trim().replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(like);
            args.add(like);
            args.add(like);
        }
        return w.toString();
    }

    /** The request as it may be kept: JSON with every secret-looking field masked; another body by its size only. */
    static String masked(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node instanceof ObjectNode o) {
                mask(o);
                return JSON.writeValueAsString(o);
            }
        } catch (Exception e) {
            // not JSON
        }
        return "(" + body.lines().count() + " line(s), " + body.length() + " characters, not kept)";
    }

    private static void mask(ObjectNode o) {
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (SECRET.matcher(e.getKey()).matches() && !e.getValue().isNull()) {
                e.setValue(JSON.getNodeFactory().textNode(e.getValue().asText().isEmpty() ? "" : "***"));
            } else if (e.getValue() instanceof ObjectNode child) {
                mask(child);
            }
        }
    }

    /** The caller's address as the HTTP server saw it. */
    static String address(Message m) {
        Object remote = m.getHeader("CamelVertxPlatformHttpRemoteAddress");
        return remote instanceof io.vertx.core.net.SocketAddress sa ? sa.host() : remote == null ? null : remote.toString();
    }

    private static String csvField(String v) {
        if (v == null) {
            return "";
        }
        String s = v.startsWith("=") || v.startsWith("+") || v.startsWith("-") || v.startsWith("@") ? "'" + v : v;
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
