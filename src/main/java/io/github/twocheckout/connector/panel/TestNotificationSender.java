package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.simulator.CallResult;
import io.github.twocheckout.connector.simulator.Calls;
import io.github.twocheckout.connector.simulator.ConnectorClient;
import io.github.twocheckout.connector.simulator.Scenario;
import io.github.twocheckout.connector.simulator.SimCall;
import io.github.twocheckout.connector.simulator.SimCustomer;
import io.github.twocheckout.connector.simulator.SimOrder;
import io.github.twocheckout.connector.simulator.SimProduct;
import io.github.twocheckout.connector.storage.Vendor;
import io.github.twocheckout.connector.storage.VendorDirectory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * "Send test notification" of a connector: the simulator builds a test order (TEST_ORDER / demo=Y, so
 * only test licenses come of it) for one of the connector's products, signs it with the vendor's
 * secrets here on the server, and posts it to this connector's own endpoint, through the whole intake.
 * The answer names the order, so the panel can show the license that results.
 */
public class TestNotificationSender {

    private final JdbcTemplate jdbc;
    private final VendorDirectory vendors;
    private String selfUrl = "http://127.0.0.1:8080";

    public TestNotificationSender(DataSource dataSource, VendorDirectory vendors) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.vendors = vendors;
    }

    /** {channel: ins|ipn|keygen (default: IPN when the vendor has a key, else INS), mappingId?}. */
    public Map<String, Object> send(@Header("id") long connectorId, @Body String body) {
        Map<String, Object> in = Json.object(body);
        List<Map<String, Object>> mappings = jdbc.queryForList("""
                SELECT m.id, m.product_id, m.product_code, m.name, m.license_type, m.duration, c.vendor_id, c.enabled
                FROM product_mapping m JOIN connector c ON c.id = m.connector_id WHERE c.id = ? ORDER BY m.id""", connectorId);
        if (mappings.isEmpty()) {
            throw new ApiConflictException("the connector has no product mapping yet: add one first");
        }
        Map<String, Object> m = mappings.get(0);
        String wanted = Json.text(in, "mappingId");
        if (wanted != null) {
            m = mappings.stream().filter(x -> String.valueOf(x.get("id")).equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("mapping " + wanted + " is not one of this connector's"));
        }
        Vendor v = vendors.findById(((Number) m.get("vendor_id")).longValue());
        String channel = Json.text(in, "channel");
        boolean canSign = v.secretKey() != null && !v.secretKey().isEmpty() && v.code() != null;
        if (channel == null) {
            channel = canSign && vendorMerchant(v) != null ? "ipn" : "ins";
        }
        channel = channel.toLowerCase(Locale.ROOT);
        SimProduct product = new SimProduct(nz(m.get("product_id")), nz(m.get("product_code")), (String) m.get("name"), 1,
                new BigDecimal("1.00"), "subscription".equals(m.get("license_type")) && m.get("duration") != null
                ? Period.parse((String) m.get("duration")) : null);
        SimOrder order = new SimOrder(Scenario.freshRef(), List.of(product), SimCustomer.sample(), "EUR", Instant.now(), true);
        io.github.twocheckout.connector.simulator.SimVendor sim = new io.github.twocheckout.connector.simulator.SimVendor(
                insVendorId(v), vendorMerchant(v), v.secretWord(), v.secretKey());
        Calls calls = new Calls(sim);
        SimCall call = switch (channel) {
            case "ins" -> {
                if (sim.insVendorId() == null || v.secretWord() == null || v.secretWord().isEmpty()) {
                    throw new ApiConflictException("the vendor has no INS vendor id or secret word to sign an INS test with");
                }
                yield calls.ins(order, "ORDER_CREATED", Instant.now(), new Calls.InsOptions("pass", null, null, null));
            }
            case "ipn", "keygen" -> {
                if (!canSign || sim.merchantCode() == null) {
                    throw new ApiConflictException("the vendor has no merchant code or secret key to sign a " + channel + " test with");
                }
                yield channel.equals("ipn") ? calls.ipn(order, Instant.now(), Calls.IpnOptions.of("COMPLETE", "APPROVED"))
                        : calls.keygen(order, 0, null);
            }
            default -> throw new IllegalArgumentException("channel: ins, ipn or keygen");
        };
        CallResult r = new ConnectorClient(selfUrl, Duration.ofSeconds(10)).send(call);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", call.channel().name());
        out.put("call", call.label());
        out.put("orderRef", order.ref());
        out.put("httpStatus", r.status());
        out.put("accepted", r.ok());
        if (!r.ok()) {
            out.put("problem", r.problem());
        }
        if (!r.codes().isEmpty()) {
            out.put("codes", r.codes());
        }
        return out;
    }

    private String insVendorId(Vendor v) {
        List<String> ids = jdbc.queryForList("SELECT ins_vendor_id FROM vendor WHERE id = ?", String.class, v.id());
        return ids.isEmpty() ? null : ids.get(0);
    }

    private String vendorMerchant(Vendor v) {
        List<String> codes = jdbc.queryForList("SELECT merchant_code FROM vendor WHERE id = ?", String.class, v.id());
        return codes.isEmpty() ? null : codes.get(0);
    }

    private static String nz(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    public void setSelfUrl(String selfUrl) {
        this.selfUrl = selfUrl;
    }
}
