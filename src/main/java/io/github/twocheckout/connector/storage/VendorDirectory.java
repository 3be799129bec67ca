package io.github.twocheckout.connector.storage;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Looks vendors up by the identifiers 2Checkout posts. */
public class VendorDirectory {

    private static final RowMapper<Vendor> ROW = (rs, i) -> new Vendor(rs.getLong("id"), rs.getString("code"),
            rs.getString("name"), rs.getString("contact_email"), rs.getString("secret_word"),
            rs.getString("secret_word_previous"), rs.getString("secret_key"), rs.getString("secret_key_previous"),
            rs.getBoolean("allow_md5_only"), rs.getBoolean("keygen_allow_unsigned"));

    private final JdbcTemplate jdbc;

    public VendorDirectory(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public Vendor findByInsVendorId(String insVendorId) {
        List<Vendor> found = jdbc.query("SELECT * FROM vendor WHERE ins_vendor_id = ?", ROW, insVendorId);
        return found.isEmpty() ? null : found.get(0);
    }

    public Vendor findByMerchantCode(String merchantCode) {
        List<Vendor> found = jdbc.query("SELECT * FROM vendor WHERE merchant_code = ?", ROW, merchantCode);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Every vendor that can verify HMAC-signed calls, for calls that do not name their merchant. */
    public List<Vendor> withSecretKey() {
        return jdbc.query("SELECT * FROM vendor WHERE secret_key IS NOT NULL AND secret_key <> '' ORDER BY id", ROW);
    }

    public Vendor findById(long id) {
        List<Vendor> found = jdbc.query("SELECT * FROM vendor WHERE id = ?", ROW, id);
        return found.isEmpty() ? null : found.get(0);
    }
}
