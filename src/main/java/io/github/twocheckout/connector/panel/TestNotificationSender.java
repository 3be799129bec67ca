package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.api.ApiConflictException;
import io.github.twocheckout.connector.api.Json;
import io.github.twocheckout.connector.model.Vendor;
import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.HmacSignature;
import io.github.twocheckout.connector.protocol.InsSignature;
import io.github.twocheckout.connector.storage.VendorDirectory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * "Send test notification" of a connector: a test order (demo=Y / TEST_ORDER=1 / TESTORDER=YES, so only
 * test licenses come of it) for one of the connector's products, in the fields 2Checkout sends, signed
 * with the vendor's secrets here on the server (the protocol's own signers), and posted to this
 * connector's own endpoint, through the whole intake. The answer names the order, so the panel can
 * show the license that results.
 */
public class TestNotificationSender {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbc;
    private final VendorDirectory vendors;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String selfUrl = "http://127.0.0.1:8080";

    public TestNotificationSender(DataSource dataSource, VendorDirectory vendors) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.vendors = vendors;
    }

    /** {channel: ins|ipn|keygen (default: IPN when the vendor has a key, else INS), mappingId?}. */
    public Map<String, Object> send(@Header("id") long connectorId, @Body String body) throws Exception {
        Map<String, Object> in = Json.object(body);
        List<Map<String, Object>> mappings = jdbc.queryForList("""
                SELECT m.id, m.product_id, m.product_code, m.name, m.license_type, m.duration, c.vendor_id,
                       v.ins_vendor_id, v.merchant_code
                FROM product_mapping m JOIN connector c ON c.id = m.connector_id JOIN vendor v ON v.id = c.vendor_id
                WHERE c.id = ? ORDER BY m.id""", connectorId);
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
        String merchant = (String) m.get("merchant_code");
        String insVendorId = (String) m.get("ins_vendor_id");
        boolean canSign = v.secretKey() != null && !v.secretKey().isEmpty() && merchant != null;
        String channel = Json.text(in, "channel");
        channel = (channel == null ? canSign ? "ipn" : "ins" : channel).toLowerCase(Locale.ROOT);
        String order = Long.toString(9_000_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000_000L));
        Product product = new Product(text(m.get("product_id")), text(m.get("product_code")), (String) m.get("name"),
                "subscription".equals(m.get("license_type")) ? (String) m.get("duration") : null);
        Form form;
        String path;
        switch (channel) {
            case "ins" -> {
                if (insVendorId == null || v.secretWord() == null || v.secretWord().isEmpty()) {
                    throw new ApiConflictException("the vendor has no INS vendor id or secret word to sign an INS test with");
                }
                form = ins(order, insVendorId, v.secretWord(), product);
                path = "/2co/ins";
            }
            case "ipn", "keygen" -> {
                if (!canSign) {
                    throw new ApiConflictException("the vendor has no merchant code or secret key to sign a " + channel + " test with");
                }
                form = channel.equals("ipn") ? ipn(order, merchant, product) : keygen(order, product);
                form.sign(v.secretKey());
                path = "/2co/" + channel + "?merchant=" + URLEncoder.encode(merchant, StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException("channel: ins, ipn or keygen");
        }
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(selfUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.encode())).build(), HttpResponse.BodyHandlers.ofString());
        boolean ok = answer.statusCode() / 100 == 2;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", channel.toUpperCase(Locale.ROOT));
        out.put("call", channel.toUpperCase(Locale.ROOT) + " test order " + order + " for " + product.name());
        out.put("orderRef", order);
        out.put("httpStatus", answer.statusCode());
        out.put("accepted", ok);
        if (!ok) {
            out.put("problem", answer.body().length() > 300 ? answer.body().substring(0, 300) : answer.body());
        }
        return out;
    }

    /** INS ORDER_CREATED, fraud review passed, one unit; signed with md5_hash over sale, vendor and invoice. */
    private static Form ins(String order, String insVendorId, String secretWord, Product p) {
        String invoice = order + "1";
        Form f = new Form()
                .set("message_type", "ORDER_CREATED").set("message_description", "New order created")
                .set("timestamp", DATE_TIME.format(Instant.now()) + " UTC")
                .set("message_id", Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)))
                .set("key_count", "0").set("vendor_id", insVendorId).set("sale_id", order).set("invoice_id", invoice)
                .set("sale_date_placed", DATE_TIME.format(Instant.now())).set("recurring", p.recurrence() == null ? "0" : "1")
                .set("payment_type", "credit card").set("list_currency", "EUR").set("cust_currency", "EUR")
                .set("invoice_status", "approved").set("fraud_status", "pass")
                .set("invoice_list_amount", "1.00").set("invoice_usd_amount", "1.00").set("invoice_cust_amount", "1.00")
                .set("customer_first_name", "Test").set("customer_last_name", "Buyer").set("customer_name", "Test Buyer")
                .set("customer_email", "test.buyer@example.com").set("demo", "Y").set("item_count", "1")
                .set("item_name_1", p.name()).set("item_id_1", p.code().isBlank() ? p.id() : p.code())
                .set("item_list_amount_1", "1.00").set("item_usd_amount_1", "1.00").set("item_cust_amount_1", "1.00")
                .set("item_type_1", "bill").set("item_duration_1", p.recurrence() == null ? "" : "Forever")
                .set("item_recurrence_1", p.recurrence() == null ? "" : p.recurrence())
                .set("item_rec_status_1", p.recurrence() == null ? "" : "live");
        return f.set("md5_hash", InsSignature.compute(order, insVendorId, invoice, secretWord));
    }

    /** IPN COMPLETE, fraud review approved, one unit; HMAC-signed by {@link Form#sign}. */
    private static Form ipn(String order, String merchant, Product p) {
        Instant now = Instant.now();
        boolean subscription = p.recurrence() != null;
        return new Form()
                .set("SALEDATE", DATE_TIME.format(now)).set("PAYMENTDATE", DATE_TIME.format(now)).set("REFNO", order)
                .set("REFNOEXT", "").set("ORDERNO", "0").set("ORDERSTATUS", "COMPLETE").set("PAYMETHOD", "Visa/MasterCard")
                .set("FIRSTNAME", "Test").set("LASTNAME", "Buyer").set("CUSTOMEREMAIL", "test.buyer@example.com")
                .set("CURRENCY", "EUR").set("LANGUAGE", "en")
                .set("IPN_PID[]", p.id()).set("IPN_PNAME[]", p.name()).set("IPN_PCODE[]", p.code()).set("IPN_QTY[]", "1")
                .set("IPN_PRICE[]", "1.00").set("IPN_VAT[]", "0.00").set("IPN_TOTAL[]", "1.00")
                .set("IPN_LICENSE_PROD[]", p.id()).set("IPN_LICENSE_TYPE[]", "REGULAR")
                .set("IPN_LICENSE_REF[]", subscription ? "T" + order : "")
                .set("IPN_LICENSE_LIFETIME[]", subscription ? "NO" : "YES")
                .set("IPN_TOTALGENERAL", "1.00").set("IPN_DATE", COMPACT.format(now))
                .set("MESSAGE_ID", Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)))
                .set("MESSAGE_TYPE", "COMPLETE").set("TEST_ORDER", "1").set("FRAUD_STATUS", "APPROVED").set("VENDOR_CODE", merchant);
    }

    /** The key generator's call for one unit; HMAC-signed by {@link Form#sign}. */
    private static Form keygen(String order, Product p) {
        return new Form()
                .set("REFNO", order).set("REFNOEXT", "").set("PID", p.id()).set("PCODE", p.code()).set("PNAME", p.name())
                .set("QUANTITY", "1").set("FIRSTNAME", "Test").set("LASTNAME", "Buyer").set("EMAIL", "test.buyer@example.com")
                .set("LANG", "en").set("LICENSE_REF", p.recurrence() != null ? "T" + order : "").set("TESTORDER", "YES");
    }

    private static String text(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    public void setSelfUrl(String selfUrl) {
        this.selfUrl = selfUrl;
    }

    /** A mapping's product, as the test order names it; its duration (P1Y) becomes INS's recurrence ("1 Year"), null for perpetual. */
    private record Product(String id, String code, String name, String recurrence) {
        Product {
            recurrence = insRecurrence(recurrence);
        }

        private static String insRecurrence(String isoDuration) {
            if (isoDuration == null || isoDuration.isBlank() || !isoDuration.startsWith("P")) {
                return isoDuration == null || isoDuration.isBlank() ? null : isoDuration;
            }
            java.time.Period period = java.time.Period.parse(isoDuration);
            return period.getYears() > 0 ? period.getYears() + " Year"
                    : period.getMonths() > 0 ? period.getMonths() + " Month" : period.getDays() / 7 + " Week";
        }
    }

    /** Form fields in order, as posted; the HMAC covers every value in that order. */
    private static final class Form {
        private final List<String[]> fields = new ArrayList<>();

        Form set(String name, String value) {
            fields.add(new String[] {name, value == null ? "" : value});
            return this;
        }

        void sign(String secretKey) {
            List<String> values = fields.stream().map(f -> f[1]).toList();
            for (HmacAlgorithm a : List.of(HmacAlgorithm.MD5, HmacAlgorithm.SHA256, HmacAlgorithm.SHA3_256)) {
                set(a.field(), HmacSignature.hmacHex(a, secretKey, values));
            }
        }

        String encode() {
            StringBuilder b = new StringBuilder();
            for (String[] f : fields) {
                b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(f[0], StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(f[1], StandardCharsets.UTF_8));
            }
            return b.toString();
        }
    }
}
