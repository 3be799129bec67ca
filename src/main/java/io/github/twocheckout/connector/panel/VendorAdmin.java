package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Vendors in the panel. Secrets (secret word, secret key, their previous values) are write-only: an
 * answer only says whether each is set. A secret left out of an update keeps its value; an empty
 * string removes it.
 */
public class VendorAdmin {

    /** Everything about a vendor except its secrets. */
    static final String COLUMNS = """
            id, code, name, ins_vendor_id, merchant_code, contact_email, allow_md5_only, keygen_allow_unsigned,
            idn_enabled,
            secret_word IS NOT NULL AND secret_word <> '' AS secret_word_set,
            secret_word_previous IS NOT NULL AND secret_word_previous <> '' AS secret_word_previous_set,
            secret_key IS NOT NULL AND secret_key <> '' AS secret_key_set,
            secret_key_previous IS NOT NULL AND secret_key_previous <> '' AS secret_key_previous_set,
            created_at, updated_at""";
    private static final List<String[]> SECRETS = List.of(new String[] {"secretWord", "secret_word"},
            new String[] {"secretWordPrevious", "secret_word_previous"}, new String[] {"secretKey", "secret_key"},
            new String[] {"secretKeyPrevious", "secret_key_previous"});

    private final JdbcTemplate jdbc;

    public VendorAdmin(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** The caller's vendors, each with its support grant. */
    public List<Map<String, Object>> list(@Variable("principal") Principal p) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new ArrayList<>();
        p.restrict(where, args, "id");
        return jdbc.queryForList("SELECT " + COLUMNS + ", " + SupportAccess.CURRENT + " FROM vendor" + where + " ORDER BY name",
                args.toArray());
    }

    public Map<String, Object> get(@Header("id") long id) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT " + COLUMNS + ", " + SupportAccess.CURRENT
                + " FROM vendor WHERE id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no vendor " + id);
        }
        return rows.get(0);
    }

    public Map<String, Object> create(@Body String body) {
        Map<String, Object> in = Json.object(body);
        String code = Json.required(in, "code");
        try {
            Long id = jdbc.queryForObject("""
                    INSERT INTO vendor (code, name, ins_vendor_id, merchant_code, contact_email, allow_md5_only, keygen_allow_unsigned,
                                        idn_enabled)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", Long.class, code, orDefault(Json.text(in, "name"), code),
                    Json.text(in, "insVendorId"), Json.text(in, "merchantCode"), Json.required(in, "contactEmail"),
                    Boolean.TRUE.equals(Json.bool(in, "allowMd5Only")), Boolean.TRUE.equals(Json.bool(in, "keygenAllowUnsigned")),
                    Boolean.TRUE.equals(Json.bool(in, "idn")));
            secrets(id, in);
            return get(id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("a vendor with this code, INS vendor id or merchant code exists");
        }
    }

    public Map<String, Object> update(@Header("id") long id, @Body String body) {
        Map<String, Object> in = Json.object(body);
        get(id);
        try {
            jdbc.update("""
                    UPDATE vendor SET name = COALESCE(?, name), ins_vendor_id = COALESCE(?, ins_vendor_id),
                           merchant_code = COALESCE(?, merchant_code), contact_email = COALESCE(?, contact_email),
                           allow_md5_only = COALESCE(?, allow_md5_only), keygen_allow_unsigned = COALESCE(?, keygen_allow_unsigned),
                           idn_enabled = COALESCE(?, idn_enabled), updated_at = now()
                    WHERE id = ?""", Json.text(in, "name"), Json.text(in, "insVendorId"), Json.text(in, "merchantCode"),
                    Json.text(in, "contactEmail"), Json.bool(in, "allowMd5Only"), Json.bool(in, "keygenAllowUnsigned"),
                    Json.bool(in, "idn"), id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("another vendor has this INS vendor id or merchant code");
        }
        secrets(id, in);
        return get(id);
    }

    private void secrets(long id, Map<String, Object> in) {
        List<Object> args = new ArrayList<>();
        StringBuilder set = new StringBuilder();
        for (String[] s : SECRETS) {
            if (in.containsKey(s[0])) {
                Object v = in.get(s[0]);
                set.append(set.length() == 0 ? "" : ", ").append(s[1]).append(" = ?");
                args.add(v == null || String.valueOf(v).isEmpty() ? null : String.valueOf(v));
            }
        }
        if (set.length() > 0) {
            args.add(id);
            jdbc.update("UPDATE vendor SET " + set + ", updated_at = now() WHERE id = ?", args.toArray());
        }
    }

    private static String orDefault(String v, String d) {
        return v == null ? d : v;
    }
}
