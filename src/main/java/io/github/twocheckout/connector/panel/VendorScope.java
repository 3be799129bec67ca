package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.model.Principal;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Whether the caller's vendors include the one a request names. Each API route that takes an id runs
 * the check for its kind of thing before anything else reads or changes it: the vendor is looked up in
 * the database with the caller's scope in the query, and a thing outside the scope is "not found",
 * exactly as one that does not exist, so ids of other vendors cannot be told from gaps. The vendor is
 * kept for the audit log (variable auditVendorId). Lists filter by the same scope in their own queries
 * ({@link #restrict}).
 */
public class VendorScope {

    /**
     * A user {@code u} in the scope given as a bigint[] parameter: of a vendor role, with vendors, all of
     * them in the scope (a user shared with another vendor is that vendor's too).
     */
    static final String USER_IN_SCOPE = """
            u.role IN ('vendor-admin', 'vendor-viewer')
            AND EXISTS (SELECT 1 FROM panel_user_vendor uv WHERE uv.user_id = u.id)
            AND NOT EXISTS (SELECT 1 FROM panel_user_vendor uv WHERE uv.user_id = u.id AND uv.vendor_id <> ALL (?::bigint[]))""";

    private final JdbcTemplate jdbc;

    public VendorScope(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public void vendor(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("vendor", "SELECT id FROM vendor WHERE id = ?", id, p, exchange);
    }

    public void connector(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("connector", "SELECT vendor_id FROM connector WHERE id = ?", id, p, exchange);
    }

    public void mapping(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("mapping", "SELECT c.vendor_id FROM product_mapping m JOIN connector c ON c.id = m.connector_id WHERE m.id = ?",
                id, p, exchange);
    }

    public void license(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("license", "SELECT vendor_id FROM license WHERE id = ?", id, p, exchange);
    }

    /** A notification no vendor could be found for is the operator's: their admin sees it, nobody else. */
    public void notification(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("notification", "SELECT vendor_id FROM notification WHERE id = ?", id, p, exchange);
    }

    public void destination(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("event destination", "SELECT c.vendor_id FROM event_destination d JOIN connector c ON c.id = d.connector_id WHERE d.id = ?",
                id, p, exchange);
    }

    public void event(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("event", """
                SELECT c.vendor_id FROM event_outbox o JOIN event_destination d ON d.id = o.destination_id
                     JOIN connector c ON c.id = d.connector_id WHERE o.id = ?""", id, p, exchange);
    }

    public void idn(@Header("id") long id, @Variable("principal") Principal p, Exchange exchange) {
        check("delivery confirmation", "SELECT vendor_id FROM idn_outbox WHERE id = ?", id, p, exchange);
    }

    /**
     * A user the caller may see and change: any for the operator's admin; for a vendor's admin, a user of
     * a vendor role whose every vendor is theirs (a user shared with another vendor is that vendor's too).
     */
    public void user(@Header("id") long id, @Variable("principal") Principal p) {
        if (p.allVendors()) {
            return;
        }
        Boolean mine = jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM panel_user u WHERE u.id = ? AND " + USER_IN_SCOPE + ")",
                Boolean.class, id, p.vendorArray());
        if (!Boolean.TRUE.equals(mine)) {
            throw new ApiNotFoundException("no user " + id);
        }
    }

    /** A vendor named in a request's body (a new connector's, a new user's): in scope, or "not found". */
    public void named(long vendorId, Principal p, Exchange exchange) {
        check("vendor", "SELECT id FROM vendor WHERE id = ?", vendorId, p, exchange);
    }

    private void check(String what, String vendorOf, long id, Principal p, Exchange exchange) {
        String sql = "SELECT vendor_id FROM (" + vendorOf + ") t(vendor_id)"
                + (p.allVendors() ? "" : " WHERE vendor_id = ANY(?::bigint[])");
        List<Long> found = p.allVendors() ? jdbc.queryForList(sql, Long.class, id)
                : jdbc.queryForList(sql, Long.class, id, p.vendorArray());
        if (found.isEmpty()) {
            throw new ApiNotFoundException("no " + what + " " + id);
        }
        if (exchange != null && found.get(0) != null) {
            exchange.setVariable("auditVendorId", found.get(0));
        }
    }
}
