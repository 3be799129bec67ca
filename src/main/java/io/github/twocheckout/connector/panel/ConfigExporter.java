package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.config.ConnectorConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The way back from the panel to the file: the vendors, connectors and mappings in the database as a
 * connectors.yaml. Secrets are never written: each is the ${env:...} reference the configuration file
 * had for it, else ${env:VENDOR_SECRET_...}, which the loader treats as "keep the value in the database"
 * while the variable is unset. Written beside the configuration file unless asked to overwrite it.
 */
public class ConfigExporter {

    private final JdbcTemplate jdbc;
    private String file = "config/connectors.yaml";

    public ConfigExporter(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public String export() {
        return dump(vendors());
    }

    /** The database's vendors as the file's structure; a secret the current file names by reference keeps that reference. */
    private List<Map<String, Object>> vendors() {
        Map<String, Map<String, Object>> current = new LinkedHashMap<>();
        for (Map<String, Object> v : list(currentFile().get("vendors"))) {
            current.put(String.valueOf(v.get("code")), v);
        }
        List<Map<String, Object>> vendors = new ArrayList<>();
        for (Map<String, Object> v : jdbc.queryForList("SELECT * FROM vendor ORDER BY code")) {
            Map<String, Object> out = new LinkedHashMap<>();
            String code = (String) v.get("code");
            out.put("code", code);
            out.put("name", v.get("name"));
            put(out, "insVendorId", v.get("ins_vendor_id"));
            put(out, "merchantCode", v.get("merchant_code"));
            String env = envName(code);
            Map<String, Object> before = current.getOrDefault(code, Map.of());
            secret(out, v, before, "secret_word", "secretWord", env + "_SECRET_WORD");
            secret(out, v, before, "secret_word_previous", "secretWordPrevious", env + "_SECRET_WORD_PREVIOUS");
            secret(out, v, before, "secret_key", "secretKey", env + "_SECRET_KEY");
            secret(out, v, before, "secret_key_previous", "secretKeyPrevious", env + "_SECRET_KEY_PREVIOUS");
            out.put("allowMd5Only", v.get("allow_md5_only"));
            out.put("keygenAllowUnsigned", v.get("keygen_allow_unsigned"));
            out.put("idn", v.get("idn_enabled"));
            out.put("contactEmail", v.get("contact_email"));
            List<Map<String, Object>> connectors = new ArrayList<>();
            for (Map<String, Object> c : jdbc.queryForList("SELECT * FROM connector WHERE vendor_id = ? ORDER BY code", v.get("id"))) {
                Map<String, Object> co = new LinkedHashMap<>();
                co.put("code", c.get("code"));
                co.put("name", c.get("name"));
                co.put("enabled", c.get("enabled"));
                co.put("mode", c.get("mode"));
                co.put("emailOnSuccess", c.get("email_on_success"));
                String recipients = (String) c.get("recipients");
                co.put("recipients", recipients == null || recipients.isBlank() ? List.of()
                        : List.of(recipients.split("\\s*,\\s*")));
                co.put("refundPolicy", c.get("refund_policy"));
                co.put("failedRenewalPolicy", c.get("failed_renewal_policy"));
                co.put("stoppedPolicy", c.get("stopped_policy"));
                co.put("issueBeforeFraudReview", c.get("issue_before_fraud_review"));
                co.put("issueOn", c.get("issue_on"));
                co.put("insRole", c.get("ins_role"));
                co.put("codePrefix", c.get("code_prefix"));
                Map<String, Object> codes = new LinkedHashMap<>();
                codes.put("source", c.get("code_source"));
                codes.put("length", c.get("code_length"));
                codes.put("group", c.get("code_group"));
                codes.put("alphabet", c.get("code_alphabet"));
                codes.put("lowStock", c.get("pool_low_stock"));
                put(codes, "uri", c.get("code_source_uri"));
                // What the current file says of this connector: its secrets' references and its pool files stay.
                Map<String, Object> connectorBefore = named(before.get("connectors"), "code", c.get("code"));
                Map<String, Object> codesBefore = connectorBefore.get("codes") instanceof Map<?, ?> m
                        ? (Map<String, Object>) m : Map.of();
                String cenv = env + "_" + envName(c.get("code"));
                secret(codes, c, codesBefore, "code_source_secret", "secret", cenv + "_CODES_SECRET");
                put(codes, "file", codesBefore.get("file"));
                put(codes, "testFile", codesBefore.get("testFile"));
                co.put("codes", codes);
                List<Map<String, Object>> products = new ArrayList<>();
                for (Map<String, Object> m : jdbc.queryForList("SELECT * FROM product_mapping WHERE connector_id = ? ORDER BY id", c.get("id"))) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    put(p, "productId", m.get("product_id"));
                    put(p, "productCode", m.get("product_code"));
                    p.put("name", m.get("name"));
                    put(p, "edition", m.get("edition"));
                    p.put("licenseType", m.get("license_type"));
                    put(p, "duration", m.get("duration"));
                    put(p, "maxActivations", m.get("max_activations"));
                    p.put("codeMode", m.get("code_mode"));
                    p.put("upgradePolicy", m.get("upgrade_policy"));
                    products.add(p);
                }
                co.put("products", products);
                List<Map<String, Object>> destinations = new ArrayList<>();
                for (Map<String, Object> d : jdbc.queryForList("SELECT * FROM event_destination WHERE connector_id = ? ORDER BY id", c.get("id"))) {
                    Map<String, Object> de = new LinkedHashMap<>();
                    de.put("name", d.get("name"));
                    de.put("uri", d.get("uri"));
                    String types = (String) d.get("event_types");
                    de.put("types", "*".equals(types) ? List.of("*") : List.of(types.split("\\s*,\\s*")));
                    de.put("enabled", d.get("enabled"));
                    Map<String, Object> destinationBefore = named(connectorBefore.get("events"), "name", d.get("name"));
                    String denv = cenv + "_" + envName(d.get("name"));
                    secret(de, d, destinationBefore, "secret", "secret", denv + "_WEBHOOK_SECRET");
                    secret(de, d, destinationBefore, "secret_previous", "secretPrevious", denv + "_WEBHOOK_SECRET_PREVIOUS");
                    destinations.add(de);
                }
                if (!destinations.isEmpty()) {
                    co.put("events", destinations);
                }
                connectors.add(co);
            }
            out.put("connectors", connectors);
            vendors.add(out);
        }
        return vendors;
    }

    private static String dump(List<Map<String, Object>> vendors) {
        String yaml = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(Map.of("vendors", vendors));
        return "# Exported from the control panel. Secrets are not in this file: set the ${env:...} variables,\n"
                + "# or leave them unset to keep the secrets stored in the database.\n" + yaml;
    }

    /**
     * Writes the export beside the configuration file ({@code connectors.exported.yaml}), or over it when
     * {@code {"overwrite": true}} (then recorded as applied, so that the next start does not apply it over
     * the panel's edits). Answers where it went and what differs from the configuration file.
     */
    public Map<String, Object> write(@org.apache.camel.Body String body) throws Exception {
        boolean overwrite = body != null && !body.isBlank()
                && Boolean.TRUE.equals(io.github.twocheckout.connector.api.Json.bool(io.github.twocheckout.connector.api.Json.object(body), "overwrite"));
        if (file.startsWith("classpath:")) {
            throw new ApiConflictException("the configuration comes from inside the JAR; download the export instead");
        }
        Path config = configPath();
        Path path = overwrite ? config : config.resolveSibling("connectors.exported.yaml");
        List<Map<String, Object>> vendors = vendors();
        String yaml = dump(vendors);
        List<String> changes = ConfigDiff.changes(list(currentFile().get("vendors")), vendors);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (overwrite) {
            ConnectorConfigLoader.recordApplied(jdbc, file, ConnectorConfigLoader.sha256Hex(ConnectorConfigLoader.expandQuietly(yaml)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("written", path.toAbsolutePath().toString());
        out.put("overwritten", overwrite);
        out.put("changes", changes);
        return out;
    }

    private Path configPath() {
        return Path.of(file.startsWith("file:") ? file.substring(5) : file);
    }

    /** The configuration file as written, ${env:...} references unexpanded; empty when there is none to read. */
    private Map<String, Object> currentFile() {
        try {
            if (file.startsWith("classpath:") || !Files.isRegularFile(configPath())) {
                return Map.of();
            }
            Object root = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                    .loadFromString(Files.readString(configPath(), StandardCharsets.UTF_8));
            @SuppressWarnings("unchecked")
            Map<String, Object> map = root instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            return map;
        } catch (Exception e) {
            return Map.of();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object e : l) {
                if (e instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    /**
     * A secret as a reference, never its value: the one the configuration file used (with its default, say
     * {@code ${env:DEMO_SECRET_WORD:-s3cr3tWord}}), else {@code ${env:VENDOR_SECRET_...}}.
     */
    private static void secret(Map<String, Object> out, Map<String, Object> v, Map<String, Object> before, String column,
                               String key, String env) {
        Object value = v.get(column);
        if (value != null && !String.valueOf(value).isEmpty()) {
            Object written = before.get(key);
            out.put(key, written instanceof String w && w.startsWith("${env:") ? w : "${env:" + env + "}");
        }
    }

    /** The entry of a list in the current file whose key has this value; empty when there is none. */
    private static Map<String, Object> named(Object entries, String key, Object value) {
        return list(entries).stream().filter(e -> String.valueOf(value).equals(String.valueOf(e.get(key)))).findFirst().orElse(Map.of());
    }

    /** A code or name as part of an environment variable's name: upper case, anything else an underscore. */
    private static String envName(Object codeOrName) {
        return String.valueOf(codeOrName).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    public void setFile(String file) {
        this.file = file;
    }
}
