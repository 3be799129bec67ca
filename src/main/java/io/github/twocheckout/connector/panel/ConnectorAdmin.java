package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.ApiNotFoundException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Principal;
import java.time.Period;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/** Connectors (one per product line of a vendor) and their product mappings, as the panel edits them. */
public class ConnectorAdmin {

    private static final String CONNECTOR = """
            SELECT c.id, c.vendor_id, v.name AS vendor_name, v.code AS vendor_code, c.code, c.name, c.enabled, c.mode,
                   c.email_on_success, c.recipients, c.refund_policy, c.failed_renewal_policy, c.stopped_policy,
                   c.issue_before_fraud_review, c.issue_on, c.ins_role, c.code_prefix, c.code_source, c.code_length,
                   c.code_group, c.code_alphabet, c.pool_low_stock, c.code_source_uri,
                   c.code_source_secret IS NOT NULL AS code_source_secret_set, c.created_at, c.updated_at,
                   (SELECT count(*) FROM product_mapping m WHERE m.connector_id = c.id) AS mappings,
                   (SELECT count(*) FROM license l WHERE l.connector_id = c.id) AS licenses
            FROM connector c JOIN vendor v ON v.id = c.vendor_id""";
    private static final String MAPPING = """
            SELECT id, connector_id, product_id, product_code, name, edition, license_type, duration, max_activations,
                   code_mode, upgrade_policy, created_at, updated_at FROM product_mapping""";
    private static final Set<String> POLICIES = Set.of("refund_policy", "failed_renewal_policy", "stopped_policy", "issue_on", "ins_role", "mode");

    private final JdbcTemplate jdbc;

    private final VendorScope scope;

    public ConnectorAdmin(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.scope = new VendorScope(dataSource);
    }

    /** The connectors of the caller's vendors. */
    public List<Map<String, Object>> list(@Variable("principal") Principal p) {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> args = new java.util.ArrayList<>();
        p.restrict(where, args, "c.vendor_id");
        return jdbc.queryForList(CONNECTOR + where + " ORDER BY v.name, c.name", args.toArray());
    }

    /** A connector with its mappings. */
    public Map<String, Object> get(@Header("id") long id) {
        List<Map<String, Object>> rows = jdbc.queryForList(CONNECTOR + " WHERE c.id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no connector " + id);
        }
        Map<String, Object> c = new LinkedHashMap<>(rows.get(0));
        c.put("products", jdbc.queryForList(MAPPING + " WHERE connector_id = ? ORDER BY name", id));
        return c;
    }

    /** {vendorId, code, name, ...settings}: the vendor must be one of the caller's. */
    public Map<String, Object> create(@Body String body, @Variable("principal") Principal p, Exchange exchange) {
        Map<String, Object> in = Json.object(body);
        long vendorId = Long.parseLong(Json.required(in, "vendorId"));
        scope.named(vendorId, p, exchange);
        String code = Json.required(in, "code");
        if (!code.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("code: 1 to 64 letters, digits or . _ -");
        }
        try {
            Long id = jdbc.queryForObject("""
                    INSERT INTO connector (vendor_id, code, name, enabled, mode, email_on_success, recipients, refund_policy,
                                           failed_renewal_policy, stopped_policy, issue_before_fraud_review, code_prefix, issue_on,
                                           ins_role)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", Long.class,
                    vendorId, code, or(Json.text(in, "name"), code), or(Json.bool(in, "enabled"), true), or(Json.text(in, "mode"), "live"),
                    or(Json.bool(in, "emailOnSuccess"), false), or(Json.text(in, "recipients"), ""),
                    or(Json.text(in, "refundPolicy"), "revoke"), or(Json.text(in, "failedRenewalPolicy"), "past_due"),
                    or(Json.text(in, "stoppedPolicy"), "keep_until_expiry"), or(Json.bool(in, "issueBeforeFraudReview"), false),
                    or(Json.text(in, "codePrefix"), ""), or(Json.text(in, "issueOn"), "complete"),
                    or(Json.text(in, "insRole"), "issue"));
            return get(id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("this vendor has a connector with code '" + code + "'");
        } catch (DataIntegrityViolationException e) {
            throw invalid(e);
        }
    }

    /** Any of the settings; enabled/disabled and testing/live included. Absent fields keep their value. */
    public Map<String, Object> update(@Header("id") long id, @Body String body) {
        Map<String, Object> in = Json.object(body);
        Map<String, Object> current = get(id);
        codes(id, in, current);
        try {
            jdbc.update("""
                    UPDATE connector SET name = COALESCE(?, name), enabled = COALESCE(?, enabled), mode = COALESCE(?, mode),
                           email_on_success = COALESCE(?, email_on_success), recipients = COALESCE(?, recipients),
                           refund_policy = COALESCE(?, refund_policy), failed_renewal_policy = COALESCE(?, failed_renewal_policy),
                           stopped_policy = COALESCE(?, stopped_policy),
                           issue_before_fraud_review = COALESCE(?, issue_before_fraud_review),
                           code_prefix = COALESCE(?, code_prefix), issue_on = COALESCE(?, issue_on),
                           ins_role = COALESCE(?, ins_role), updated_at = now()
                    WHERE id = ?""", Json.text(in, "name"), Json.bool(in, "enabled"), Json.text(in, "mode"),
                    Json.bool(in, "emailOnSuccess"), in.containsKey("recipients") ? or(Json.text(in, "recipients"), "") : null,
                    Json.text(in, "refundPolicy"), Json.text(in, "failedRenewalPolicy"), Json.text(in, "stoppedPolicy"),
                    Json.bool(in, "issueBeforeFraudReview"), in.containsKey("codePrefix") ? or(Json.text(in, "codePrefix"), "") : null,
                    Json.text(in, "issueOn"), Json.text(in, "insRole"), id);
        } catch (DataIntegrityViolationException e) {
            throw invalid(e);
        }
        return get(id);
    }

    /**
     * Where the connector's codes come from (codeSource builtin or pool) and the built-in format
     * (codeLength, codeGroup, codeAlphabet: never under 100 bits), and the pool's low-stock threshold.
     */
    private void codes(long id, Map<String, Object> in, Map<String, Object> current) {
        String source = or(Json.text(in, "codeSource"), (String) current.get("code_source"));
        String uri = in.containsKey("codeSourceUri") ? Json.text(in, "codeSourceUri") : (String) current.get("code_source_uri");
        if ("builtin".equals(source) || "pool".equals(source)) {
            uri = null;
        }
        io.github.twocheckout.connector.config.ConnectorConfigLoader.checkSource(source, uri);
        String secret = Json.text(in, "codeSourceSecret");
        if (secret != null && !secret.isBlank() && !io.github.twocheckout.connector.protocol.WebhookSignature.isSecret(secret)) {
            throw new IllegalArgumentException("codeSourceSecret must be whsec_ followed by base64 of at least 16 random bytes");
        }
        new io.github.twocheckout.connector.model.CodeFormat(
                number(in, "codeLength", current.get("code_length")), number(in, "codeGroup", current.get("code_group")),
                or(Json.text(in, "codeAlphabet"), (String) current.get("code_alphabet"))).check();
        jdbc.update("""
                UPDATE connector SET code_source = ?, code_source_uri = ?, code_length = COALESCE(?, code_length),
                       code_group = COALESCE(?, code_group), code_alphabet = COALESCE(?, code_alphabet),
                       pool_low_stock = COALESCE(?, pool_low_stock)
                WHERE id = ?""", source, uri, in.containsKey("codeLength") ? number(in, "codeLength", 0) : null,
                in.containsKey("codeGroup") ? number(in, "codeGroup", 0) : null, Json.text(in, "codeAlphabet"),
                in.containsKey("poolLowStock") ? number(in, "poolLowStock", 0) : null, id);
        if (secret != null) {
            // Write-only, as a vendor's secrets: an empty string removes it.
            jdbc.update("UPDATE connector SET code_source_secret = ? WHERE id = ?", secret.isBlank() ? null : secret.trim(), id);
        }
    }

    private static int number(Map<String, Object> in, String key, Object dflt) {
        Object v = in.get(key);
        try {
            return v == null ? ((Number) dflt).intValue() : Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number");
        }
    }

    /** {productId?, productCode?, name, licenseType, duration?, edition?, maxActivations?, codeMode?, upgradePolicy?}. */
    public Map<String, Object> createMapping(@Header("id") long connectorId, @Body String body) {
        Map<String, Object> in = Json.object(body);
        Map<String, Object> c = get(connectorId);
        String productId = Json.text(in, "productId");
        String productCode = Json.text(in, "productCode");
        if (productId == null && productCode == null) {
            throw new IllegalArgumentException("a product needs productId or productCode");
        }
        String duration = duration(in);
        try {
            Long id = jdbc.queryForObject("""
                    INSERT INTO product_mapping (vendor_id, connector_id, product_id, product_code, name, edition, license_type,
                                                 duration, max_activations, code_mode, upgrade_policy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", Long.class,
                    c.get("vendor_id"), connectorId, productId, productCode, Json.required(in, "name"), or(Json.text(in, "edition"), ""),
                    or(Json.text(in, "licenseType"), "perpetual"), duration, or(integer(in, "maxActivations"), 1),
                    or(Json.text(in, "codeMode"), "per_unit"), or(Json.text(in, "upgradePolicy"), "update_license"));
            return mapping(id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("this vendor already maps product " + (productCode != null ? productCode : productId));
        } catch (DataIntegrityViolationException e) {
            throw invalid(e);
        }
    }

    public Map<String, Object> updateMapping(@Header("id") long id, @Body String body) {
        Map<String, Object> in = Json.object(body);
        mapping(id);
        try {
            jdbc.update("""
                    UPDATE product_mapping SET product_id = COALESCE(?, product_id), product_code = COALESCE(?, product_code),
                           name = COALESCE(?, name), edition = COALESCE(?, edition), license_type = COALESCE(?, license_type),
                           duration = COALESCE(?, duration), max_activations = COALESCE(?, max_activations),
                           code_mode = COALESCE(?, code_mode), upgrade_policy = COALESCE(?, upgrade_policy), updated_at = now()
                    WHERE id = ?""", Json.text(in, "productId"), Json.text(in, "productCode"), Json.text(in, "name"),
                    Json.text(in, "edition"), Json.text(in, "licenseType"), duration(in), integer(in, "maxActivations"),
                    Json.text(in, "codeMode"), Json.text(in, "upgradePolicy"), id);
        } catch (DuplicateKeyException e) {
            throw new ApiConflictException("this vendor already maps that product");
        } catch (DataIntegrityViolationException e) {
            throw invalid(e);
        }
        return mapping(id);
    }

    /** Removes a mapping that no license refers to; one with licenses stays (their history needs it). */
    public Map<String, Object> deleteMapping(@Header("id") long id) {
        mapping(id);
        Integer used = jdbc.queryForObject("SELECT count(*) FROM license WHERE product_mapping_id = ? OR original_mapping_id = ?",
                Integer.class, id, id);
        if (used != null && used > 0) {
            throw new ApiConflictException("licenses were issued for this product; it cannot be removed");
        }
        // Sales history stays attached to its product.
        Integer sold = jdbc.queryForObject("SELECT count(*) FROM order_fact WHERE product_mapping_id = ?", Integer.class, id);
        if (sold != null && sold > 0) {
            throw new ApiConflictException("order facts (sales history) refer to this product; it cannot be removed");
        }
        jdbc.update("DELETE FROM product_mapping WHERE id = ?", id);
        return Map.of("id", id, "removed", true);
    }

    public Map<String, Object> mapping(long id) {
        List<Map<String, Object>> rows = jdbc.queryForList(MAPPING + " WHERE id = ?", id);
        if (rows.isEmpty()) {
            throw new ApiNotFoundException("no product mapping " + id);
        }
        return rows.get(0);
    }

    private static String duration(Map<String, Object> in) {
        String d = Json.text(in, "duration");
        if (d != null) {
            try {
                Period.parse(d);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("duration: an ISO-8601 period such as P1Y or P1M");
            }
        }
        return d;
    }

    private static Integer integer(Map<String, Object> in, String key) {
        String v = Json.text(in, key);
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number");
        }
    }

    private static IllegalArgumentException invalid(DataIntegrityViolationException e) {
        String m = String.valueOf(e.getMostSpecificCause().getMessage());
        for (String column : POLICIES) {
            if (m.contains(column)) {
                return new IllegalArgumentException("invalid value for " + column);
            }
        }
        return new IllegalArgumentException(m.contains("check constraint") ? "a value is not allowed: "
                + m.replaceAll("(?s).*constraint \"([^\"]+)\".*", "$1") : "invalid values");
    }

    private static <T> T or(T v, T d) {
        return v == null ? d : v;
    }
}
