package io.github.twocheckout.connector.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import io.github.twocheckout.connector.licensing.CodePool;
import io.github.twocheckout.connector.model.CodeFormat;

/**
 * Upserts vendors, connectors and product mappings from the connector configuration file
 * (config/connectors.yaml) at start, when the file changed since it was last applied (the file seeds,
 * the panel edits; see ConfigExporter for the way back), in one transaction: a broken file changes nothing and stops
 * the start with a message naming the entry. Values may be written {@code ${env:NAME}} or
 * {@code ${env:NAME:-default}} so that secrets stay out of the file.
 */
public class ConnectorConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorConfigLoader.class);
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final DataSource dataSource;
    private String file = "config/connectors.yaml";

    public ConnectorConfigLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void load() throws Exception {
        String text;
        String path = file;
        if (file.startsWith("classpath:")) {
            try (var in = getClass().getClassLoader().getResourceAsStream(file.substring("classpath:".length()))) {
                if (in == null) {
                    LOG.warn("No connector configuration at {}; vendors and connectors stay as they are in the database", file);
                    return;
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else {
            Path p = Path.of(file.startsWith("file:") ? file.substring(5) : file);
            if (!Files.exists(p)) {
                LOG.warn("No connector configuration file at {}; vendors and connectors stay as they are in the database", p.toAbsolutePath());
                return;
            }
            text = Files.readString(p, StandardCharsets.UTF_8);
        }
        Object root = new Load(LoadSettings.builder().build()).loadFromString(text);
        List<Map<String, Object>> vendors = list(asMap(root, "the file").get("vendors"), "vendors");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // The file seeds, the panel edits: applied again only when its content (with ${env:...} expanded,
        // so a secret rotated in the environment counts) changed since it was last applied or exported.
        String digest = sha256Hex(expandQuietly(text));
        List<String> applied = jdbc.queryForList("SELECT content_sha256 FROM config_state WHERE file_path = ?", String.class, file);
        Path base = file.startsWith("classpath:") ? Path.of(".") : java.util.Objects.requireNonNullElse(
                Path.of(file.startsWith("file:") ? file.substring(5) : file).toAbsolutePath().getParent(), Path.of("."));
        if (!applied.isEmpty() && applied.get(0).equals(digest)) {
            LOG.info("Connector configuration {} unchanged since it was last applied; the database (and panel edits) stand", path);
            poolFiles(vendors, base);
            return;
        }
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(tx -> {
            int connectors = 0;
            int products = 0;
            for (Map<String, Object> v : vendors) {
                String vendorCode = required(v, "code", "vendor");
                String where = "vendor '" + vendorCode + "'";
                Long vendorId = jdbc.queryForObject("""
                        INSERT INTO vendor (code, name, ins_vendor_id, merchant_code, contact_email, allow_md5_only,
                                            keygen_allow_unsigned, idn_enabled)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, ins_vendor_id = EXCLUDED.ins_vendor_id,
                            merchant_code = EXCLUDED.merchant_code, contact_email = EXCLUDED.contact_email,
                            allow_md5_only = EXCLUDED.allow_md5_only,
                            keygen_allow_unsigned = EXCLUDED.keygen_allow_unsigned, idn_enabled = EXCLUDED.idn_enabled,
                            updated_at = now()
                        RETURNING id""", Long.class,
                        vendorCode, string(v, "name", vendorCode), string(v, "insVendorId", null),
                        string(v, "merchantCode", null), required(v, "contactEmail", where),
                        bool(v, "allowMd5Only", false), bool(v, "keygenAllowUnsigned", false), bool(v, "idn", false));
                secrets(jdbc, vendorId, v);
                for (Map<String, Object> c : list(v.get("connectors"), where + " connectors")) {
                    String connectorCode = required(c, "code", where + " connector");
                    String cwhere = where + " connector '" + connectorCode + "'";
                    Object recipients = c.get("recipients");
                    String recipientList = recipients instanceof List<?> l
                            ? String.join(",", l.stream().map(o -> expand(String.valueOf(o))).toList())
                            : string(c, "recipients", "");
                    Long connectorId = jdbc.queryForObject("""
                            INSERT INTO connector (vendor_id, code, name, enabled, mode, email_on_success, recipients,
                                                   refund_policy, failed_renewal_policy, stopped_policy,
                                                   issue_before_fraud_review, code_prefix, issue_on, ins_role)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (vendor_id, code) DO UPDATE SET name = EXCLUDED.name, enabled = EXCLUDED.enabled,
                                mode = EXCLUDED.mode, email_on_success = EXCLUDED.email_on_success,
                                recipients = EXCLUDED.recipients, refund_policy = EXCLUDED.refund_policy,
                                failed_renewal_policy = EXCLUDED.failed_renewal_policy,
                                stopped_policy = EXCLUDED.stopped_policy,
                                issue_before_fraud_review = EXCLUDED.issue_before_fraud_review,
                                code_prefix = EXCLUDED.code_prefix, issue_on = EXCLUDED.issue_on,
                                ins_role = EXCLUDED.ins_role, updated_at = now()
                            RETURNING id""", Long.class,
                            vendorId, connectorCode, string(c, "name", connectorCode), bool(c, "enabled", true),
                            string(c, "mode", "live"), bool(c, "emailOnSuccess", false), recipientList,
                            string(c, "refundPolicy", "revoke"), string(c, "failedRenewalPolicy", "past_due"),
                            string(c, "stoppedPolicy", "keep_until_expiry"), bool(c, "issueBeforeFraudReview", false),
                            string(c, "codePrefix", ""), string(c, "issueOn", "complete"), string(c, "insRole", "issue"));
                    connectors++;
                    for (Map<String, Object> p : list(c.get("products"), cwhere + " products")) {
                        upsertProduct(jdbc, vendorId, connectorId, p, cwhere);
                        products++;
                    }
                    for (Map<String, Object> d : list(c.get("events"), cwhere + " events")) {
                        upsertDestination(jdbc, connectorId, d, cwhere);
                    }
                    codes(jdbc, connectorId, c.get("codes"), cwhere);
                }
            }
            recordApplied(jdbc, file, digest);
            LOG.info("Connector configuration {} loaded: {} vendor(s), {} connector(s), {} product mapping(s)",
                    path, vendors.size(), connectors, products);
        });
        poolFiles(vendors, base);
    }

    private void upsertProduct(JdbcTemplate jdbc, long vendorId, long connectorId, Map<String, Object> p, String where) {
        String productId = string(p, "productId", null);
        String productCode = string(p, "productCode", null);
        if (productId == null && productCode == null) {
            throw new IllegalArgumentException(where + ": a product needs productId or productCode");
        }
        String pwhere = where + " product '" + (productCode != null ? productCode : productId) + "'";
        String licenseType = string(p, "licenseType", "perpetual");
        String duration = string(p, "duration", null);
        if (duration != null) {
            java.time.Period.parse(duration); // fails with the offending text
        }
        List<Long> existing = jdbc.queryForList(
                "SELECT id FROM product_mapping WHERE vendor_id = ? AND (product_id = ? OR product_code = ?)",
                Long.class, vendorId, productId, productCode);
        if (existing.size() > 1) {
            throw new IllegalArgumentException(pwhere + ": productId and productCode match two different mappings");
        }
        Object[] values = {connectorId, productId, productCode, string(p, "name", productCode != null ? productCode : productId),
                string(p, "edition", ""), licenseType, duration, intValue(p, "maxActivations", 1),
                string(p, "codeMode", "per_unit"), string(p, "upgradePolicy", "update_license")};
        int[] types = {Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.VARCHAR, Types.INTEGER, Types.VARCHAR, Types.VARCHAR};
        try {
            if (existing.isEmpty()) {
                jdbc.update("""
                        INSERT INTO product_mapping (connector_id, product_id, product_code, name, edition, license_type,
                                                     duration, max_activations, code_mode, upgrade_policy, vendor_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", append(values, vendorId), append(types, Types.BIGINT));
            } else {
                jdbc.update("""
                        UPDATE product_mapping SET connector_id = ?, product_id = ?, product_code = ?, name = ?, edition = ?,
                            license_type = ?, duration = ?, max_activations = ?, code_mode = ?, upgrade_policy = ?,
                            updated_at = now()
                        WHERE id = ?""", append(values, existing.get(0)), append(types, Types.BIGINT));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(pwhere + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where the connector's codes come from ({@code codes:} source, the built-in format, the pool's
     * low-stock threshold); left out, the built-in generator in its default format.
     */
    private static void codes(JdbcTemplate jdbc, long connectorId, Object codes, String where) {
        Map<String, Object> c = codes == null ? Map.of() : asMap(codes, where + " codes");
        String source = string(c, "source", "builtin");
        String uri = string(c, "uri", null);
        try {
            checkSource(source, uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " codes: " + e.getMessage(), e);
        }
        CodeFormat d = CodeFormat.DEFAULT;
        CodeFormat format = new CodeFormat(intValue(c, "length", d.length()),
                intValue(c, "group", d.groupSize()), string(c, "alphabet", d.alphabet()));
        try {
            format.check();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " codes: " + e.getMessage(), e);
        }
        jdbc.update("""
                UPDATE connector SET code_source = ?, code_length = ?, code_group = ?, code_alphabet = ?, pool_low_stock = ?,
                       code_source_uri = ?
                WHERE id = ?""", source, format.length(), format.groupSize(), format.alphabet(), intValue(c, "lowStock", 0), uri,
                connectorId);
        storeSecrets(jdbc, "connector", connectorId, c, new String[][] {{"secret", "code_source_secret"}}, true, where + " codes");
    }

    /**
     * A code source and its URI as they must go together: builtin and pool without one, remote with the
     * license server's http(s) URL, route with a direct: endpoint of a route in routes/.
     */
    public static void checkSource(String source, String uri) {
        switch (source) {
            case "builtin", "pool" -> {
                if (uri != null && !uri.isBlank()) {
                    throw new IllegalArgumentException("a uri is for the sources remote and route");
                }
            }
            case "remote" -> {
                if (uri == null || !uri.matches("(?i)https?://.+")) {
                    throw new IllegalArgumentException("source remote needs the license server's http(s) uri");
                }
            }
            case "route" -> {
                if (uri == null || !uri.startsWith("direct:")) {
                    throw new IllegalArgumentException("source route needs the direct: uri of a route in routes/");
                }
            }
            default -> throw new IllegalArgumentException("source must be builtin, pool, remote or route");
        }
    }

    /**
     * The codes of the pool files the configuration names ({@code codes: file, testFile}, relative to
     * the configuration file's folder), loaded at every start: codes loaded before or handed out are
     * skipped, so a file can grow by appending.
     */
    private void poolFiles(List<Map<String, Object>> vendors, Path base) throws java.io.IOException {
        CodePool pool = new CodePool(dataSource);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        for (Map<String, Object> v : vendors) {
            for (Map<String, Object> c : list(v.get("connectors"), "connectors")) {
                if (!(c.get("codes") instanceof Map<?, ?> codes)) {
                    continue;
                }
                for (String key : List.of("file", "testFile")) {
                    Object file = codes.get(key);
                    if (file == null) {
                        continue;
                    }
                    Path p = base.resolve(expand(String.valueOf(file)));
                    if (!Files.exists(p)) {
                        throw new IllegalArgumentException("vendor '" + v.get("code") + "' connector '" + c.get("code")
                                + "' codes: no file " + p.toAbsolutePath());
                    }
                    Long connectorId = jdbc.queryForObject("""
                            SELECT c.id FROM connector c JOIN vendor v ON v.id = c.vendor_id WHERE v.code = ? AND c.code = ?""",
                            Long.class, String.valueOf(v.get("code")), String.valueOf(c.get("code")));
                    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                            .map(line -> line.split(",", 2)[0].strip().replace("\"", "")).toList();
                    int added = pool.add(connectorId, lines, key.equals("testFile"));
                    if (added > 0) {
                        LOG.info("{} {} code(s) from {} added to the pool of connector {}", added, key.equals("testFile") ? "test" : "live",
                                p, c.get("code"));
                    }
                }
            }
        }
    }

    /**
     * A destination of the connector's license events, by name. Its secrets as for a vendor's: one whose
     * ${env:...} is unset keeps the stored value; {@code secretPrevious} left out ends a rotation.
     */
    private static void upsertDestination(JdbcTemplate jdbc, long connectorId, Map<String, Object> d, String where) {
        String name = required(d, "name", where + " event destination");
        String dwhere = where + " event destination '" + name + "'";
        Object types = d.get("types");
        String typeList = types instanceof List<?> l ? String.join(",", l.stream().map(o -> String.valueOf(o).trim()).toList())
                : string(d, "types", "*");
        Long id = jdbc.queryForObject("""
                INSERT INTO event_destination (connector_id, name, uri, event_types, enabled) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (connector_id, name) DO UPDATE SET uri = EXCLUDED.uri, event_types = EXCLUDED.event_types,
                    enabled = EXCLUDED.enabled, updated_at = now()
                RETURNING id""", Long.class, connectorId, name, required(d, "uri", dwhere), typeList.isBlank() ? "*" : typeList,
                bool(d, "enabled", true));
        storeSecrets(jdbc, "event_destination", id, d, new String[][] {{"secret", "secret"}, {"secretPrevious", "secret_previous"}},
                true, dwhere);
    }

    private static Object[] append(Object[] values, Object last) {
        Object[] copy = java.util.Arrays.copyOf(values, values.length + 1);
        copy[values.length] = last;
        return copy;
    }

    private static int[] append(int[] types, int last) {
        int[] copy = java.util.Arrays.copyOf(types, types.length + 1);
        copy[types.length] = last;
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String where) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        return (Map<String, Object>) o;
    }

    private static List<Map<String, Object>> list(Object o, String where) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException(where + " must be a list");
        }
        return l.stream().map(e -> asMap(e, "an entry of " + where)).toList();
    }

    private static String required(Map<String, Object> m, String key, String where) {
        String v = string(m, key, null);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(where + ": '" + key + "' is required");
        }
        return v;
    }

    /** The vendor's secrets (secret word and key, and their previous values during a rotation). */
    private static void secrets(JdbcTemplate jdbc, long vendorId, Map<String, Object> v) {
        storeSecrets(jdbc, "vendor", vendorId, v, new String[][] {{"secretWord", "secret_word"},
                {"secretWordPrevious", "secret_word_previous"}, {"secretKey", "secret_key"},
                {"secretKeyPrevious", "secret_key_previous"}}, false, "vendor");
    }

    /**
     * Secrets as the file states them ({key in the file, column}): a secret the file leaves out is
     * removed (a finished rotation drops the previous one); one whose ${env:...} is unset (an exported
     * file) keeps its value. Webhook-style secrets must be whsec_ and base64.
     */
    private static void storeSecrets(JdbcTemplate jdbc, String table, long id, Map<?, ?> entry, String[][] keys, boolean whsec,
                                     String where) {
        for (String[] s : keys) {
            if (!entry.containsKey(s[0]) || entry.get(s[0]) == null) {
                jdbc.update("UPDATE " + table + " SET " + s[1] + " = NULL WHERE id = ?", id);
                continue;
            }
            String value = expand(String.valueOf(entry.get(s[0])));
            if (value.isEmpty()) {
                continue;
            }
            if (whsec && !io.github.twocheckout.connector.protocol.WebhookSignature.isSecret(value)) {
                throw new IllegalArgumentException(where + ": '" + s[0] + "' must be whsec_ followed by base64 of at least 16 bytes");
            }
            jdbc.update("UPDATE " + table + " SET " + s[1] + " = ? WHERE id = ?", value, id);
        }
    }

    /** Records the content of the file as applied: the next start leaves the database alone until it changes. */
    public static void recordApplied(JdbcTemplate jdbc, String file, String digest) {
        jdbc.update("""
                INSERT INTO config_state (file_path, content_sha256) VALUES (?, ?)
                ON CONFLICT (file_path) DO UPDATE SET content_sha256 = EXCLUDED.content_sha256, applied_at = now()""",
                file, digest);
    }

    /** SHA-256 of the expanded file, to tell whether it changed since it was applied. */
    public static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String string(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        String s = expand(String.valueOf(v));
        return s.isEmpty() && dflt == null ? null : s;
    }

    private static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        Object v = m.get(key);
        return v == null ? dflt : Boolean.parseBoolean(expand(String.valueOf(v)));
    }

    private static int intValue(Map<String, Object> m, String key, int dflt) {
        Object v = m.get(key);
        return v == null ? dflt : Integer.parseInt(expand(String.valueOf(v)).trim());
    }

    /** Replaces ${env:NAME} and ${env:NAME:-default}; an unset variable without default becomes empty. */
    public static String expand(String value) {
        return expand(value, true);
    }

    /**
     * The same, without a warning for unset variables: for the whole file's digest, where a comment may
     * mention ${env:NAME} and an exported file names variables that are meant to stay unset.
     */
    public static String expandQuietly(String value) {
        return expand(value, false);
    }

    private static String expand(String value, boolean warn) {
        Matcher m = ENV.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String env = System.getenv(m.group(1));
            String replacement = env != null ? env : (m.group(3) != null ? m.group(3) : "");
            if (warn && env == null && m.group(3) == null) {
                LOG.warn("Environment variable {} is not set", m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    public void setFile(String file) {
        this.file = file;
    }
}
