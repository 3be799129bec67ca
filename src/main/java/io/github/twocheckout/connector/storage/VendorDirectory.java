package io.github.twocheckout.connector.storage;

import io.github.twocheckout.connector.model.Vendor;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Looks vendors up by the identifiers 2Checkout posts. Every call needs its vendor, so answers are kept
 * for a few seconds ({@code cacheSeconds}, 0 turns it off): a changed secret or a new vendor takes
 * effect within that time. Unknown identifiers are remembered too, so that a flood of calls naming
 * made-up vendors does not become a flood of queries.
 */
public class VendorDirectory {

    private record Cached(Object value, long until) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private long cacheNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private static final RowMapper<Vendor> ROW = (rs, i) -> new Vendor(rs.getLong("id"), rs.getString("code"),
            rs.getString("name"), rs.getString("contact_email"), rs.getString("secret_word"),
            rs.getString("secret_word_previous"), rs.getString("secret_key"), rs.getString("secret_key_previous"),
            rs.getBoolean("allow_md5_only"), rs.getBoolean("keygen_allow_unsigned"));

    private final JdbcTemplate jdbc;

    public VendorDirectory(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public Vendor findByInsVendorId(String insVendorId) {
        return cached("ins:" + insVendorId, () -> first(jdbc.query("SELECT * FROM vendor WHERE ins_vendor_id = ?", ROW, insVendorId)));
    }

    public Vendor findByMerchantCode(String merchantCode) {
        return cached("merchant:" + merchantCode,
                () -> first(jdbc.query("SELECT * FROM vendor WHERE merchant_code = ?", ROW, merchantCode)));
    }

    /** Every vendor that can verify HMAC-signed calls, for calls that do not name their merchant. */
    public List<Vendor> withSecretKey() {
        return cached("with-key", () -> jdbc.query("SELECT * FROM vendor WHERE secret_key IS NOT NULL AND secret_key <> '' ORDER BY id", ROW));
    }

    public Vendor findById(long id) {
        return cached("id:" + id, () -> first(jdbc.query("SELECT * FROM vendor WHERE id = ?", ROW, id)));
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String key, java.util.function.Supplier<T> load) {
        if (cacheNanos <= 0) {
            return load.get();
        }
        long now = System.nanoTime();
        Cached c = cache.get(key);
        if (c != null && c.until() - now > 0) {
            return (T) c.value();
        }
        T value = load.get();
        if (cache.size() > 10_000) {
            cache.clear(); // made-up identifiers must not grow the map without end
        }
        cache.put(key, new Cached(value, now + cacheNanos));
        return value;
    }

    private static Vendor first(List<Vendor> found) {
        return found.isEmpty() ? null : found.get(0);
    }

    public void setCacheSeconds(long cacheSeconds) {
        this.cacheNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(cacheSeconds);
    }
}
