package io.github.twocheckout.connector.reports;

import static io.github.twocheckout.connector.reports.OrderFactsTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.github.twocheckout.connector.support.SignedPost;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reports over a seeded month (March 2026, sent as real signed notifications whose IPN_DATE / INS
 * timestamp fall in it) against a table computed by hand; the CSV export read back with a standard CSV
 * parser; subscriptions and licenses per day; test orders left out unless asked for.
 */
class SalesReportsTest extends ConnectorTestBase {

    private static final String NAME = "ACME Pro, Édition «Spéciale» \"2026\" – 日本語";
    private String orderA;
    private String orderB;
    private String orderC;

    @BeforeAll
    void seedMarch() {
        String sub = "SUB" + SignedPost.nextNumber();
        // A: EUR, two lines
        SignedPost a = SignedPost.ipn("COMPLETE").set("CURRENCY", "EUR").set("IPN_DATE", "20260305120000");
        line(a, "5001", "ACME-PRO", NAME, 2, "42.00", "4.00", "20.00", "100.00", "", "REGULAR", "");
        line(a, "5002", "ACME-SUB", "ACME Subscription", 1, "42.00", "0", "8.00", "50.00", sub, "REGULAR", "2027-03-05 12:00:00");
        deliverIpn(a, 1);
        orderA = a.refno();
        // B: USD
        SignedPost b = SignedPost.ipn("COMPLETE").set("CURRENCY", "USD").set("IPN_DATE", "20260310080000");
        line(b, "5001", "ACME-PRO", "ACME Pro", 1, "30.00", "0", "0", "30.00", "", "REGULAR", "");
        deliverIpn(b, 1);
        orderB = b.refno();
        // C: INS, bought in EUR
        InsPost c = InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME Pro").set("list_currency", "EUR").set("cust_currency", "EUR")
                .set("item_list_amount_1", "45.00").set("item_usd_amount_1", "48.60").set("timestamp", "2026-03-12 10:00:00 EST");
        deliver(c, 1);
        orderC = c.saleId();
        // D: IPN renewal of A's subscription
        SignedPost d = SignedPost.ipn("COMPLETE").set("CURRENCY", "EUR").set("IPN_DATE", "20260320090000")
                .set("ORIGINAL_REFNOEXT[]", "A");
        line(d, "5002", "ACME-SUB", "ACME Subscription", 1, "42.00", "0", "8.00", "50.00", sub, "RENEWAL", "2028-03-05 12:00:00");
        deliverIpn(d, 1);
        // E: INS subscription in EUR, whose renewal fails later in the month
        InsPost e = InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME Subscription").set("list_currency", "EUR")
                .set("cust_currency", "EUR").set("item_list_amount_1", "20.00").set("item_recurrence_1", "1 Month")
                .set("timestamp", "2026-03-14 10:00:00 EST");
        deliver(e, 1);
        deliver(e.next("RECURRING_INSTALLMENT_FAILED").set("invoice_id", e.field("invoice_id") + "9")
                .set("timestamp", "2026-03-28 10:00:00 EST"), 2);
        // B refunded, A's first line charged back
        SignedPost refund = SignedPost.ipn("ACME", "acme-key-2026", orderB, "REFUND").set("CURRENCY", "USD").set("IPN_DATE", "20260325100000");
        line(refund, "5001", "ACME-PRO", "ACME Pro", 1, "-30.00", "0", "0", "-30.00", "", "REGULAR", "");
        deliverIpn(refund, 2);
        SignedPost chargeback = SignedPost.ipn("ACME", "acme-key-2026", orderA, "REVERSED").set("CURRENCY", "EUR")
                .set("IPN_DATE", "20260327100000");
        line(chargeback, "5001", "ACME-PRO", NAME, 2, "-42.00", "0", "-20.00", "-100.00", "", "REGULAR", "");
        deliverIpn(chargeback, 2);
        // a test order in March, and an order in April: outside the table
        SignedPost test = SignedPost.ipn("COMPLETE").set("CURRENCY", "EUR").set("TEST_ORDER", "1").set("IPN_DATE", "20260315120000");
        line(test, "5001", "ACME-PRO", "ACME Pro", 1, "999.00", "0", "0", "999.00", "", "REGULAR", "");
        deliverIpn(test, 1);
        SignedPost april = SignedPost.ipn("COMPLETE").set("CURRENCY", "EUR").set("IPN_DATE", "20260401000000");
        line(april, "5001", "ACME-PRO", "ACME Pro", 1, "77.00", "0", "0", "77.00", "", "REGULAR", "");
        deliverIpn(april, 1);
    }

    private JsonPath sales(String query) {
        Response r = connector.api().get("/api/reports/sales?vendor=acme&" + query);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath();
    }

    private static Map<String, Object> row(JsonPath report, String product, String currency) {
        List<Map<String, Object>> rows = report.getList("rows");
        return rows.stream().filter(r -> product.equals(r.get("productCode")) && currency.equals(r.get("currency")))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + product + " " + currency + " in " + rows));
    }

    private static Map<String, Object> total(JsonPath report, String currency) {
        List<Map<String, Object>> totals = report.getList("totals");
        return totals.stream().filter(r -> currency.equals(r.get("currency"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static void figures(Map<String, Object> row, String kind, int lines, int quantity, String amount) {
        Map<String, Object> f = (Map<String, Object>) row.get(kind);
        assertThat(f.get("lines")).as(kind + " lines").isEqualTo(lines);
        assertThat(f.get("quantity")).as(kind + " quantity").isEqualTo(quantity);
        assertThat(new BigDecimal((String) f.get("amount"))).as(kind + " amount").isEqualByComparingTo(amount);
    }

    @SuppressWarnings("unchecked")
    private static String amount(Map<String, Object> row, String kind) {
        return (String) ((Map<String, Object>) row.get(kind)).get("amount");
    }

    @Test
    void theMonthsTotalsMatchTheHandComputedTable() {
        JsonPath march = sales("from=2026-03-01&to=2026-03-31");
        assertThat(march.getList("rows")).hasSize(3);
        //                 product    currency  kind              lines qty  amount
        Map<String, Object> proEur = row(march, "ACME-PRO", "EUR");
        figures(proEur, "sales", 2, 3, "145.00");          // A 100.00 (2 units) + C 45.00
        figures(proEur, "chargebacks", 1, -2, "-100.00");  // A's line charged back
        figures(proEur, "refunds", 0, 0, "0");
        assertThat(new BigDecimal((String) proEur.get("net"))).isEqualByComparingTo("45.00");
        Map<String, Object> proUsd = row(march, "ACME-PRO", "USD");
        figures(proUsd, "sales", 1, 1, "30.00");
        figures(proUsd, "refunds", 1, -1, "-30.00");
        assertThat(new BigDecimal((String) proUsd.get("net"))).isEqualByComparingTo("0");
        Map<String, Object> subEur = row(march, "ACME-SUB", "EUR");
        figures(subEur, "sales", 2, 2, "70.00");           // A 50.00 + E 20.00
        figures(subEur, "renewals", 1, 1, "50.00");        // D
        figures(subEur, "failedRenewals", 1, 1, "20.00");  // E's failed installment: not money received
        assertThat(new BigDecimal((String) subEur.get("net"))).isEqualByComparingTo("120.00");

        Map<String, Object> eur = total(march, "EUR");
        figures(eur, "sales", 4, 5, "215.00");
        figures(eur, "renewals", 1, 1, "50.00");
        figures(eur, "chargebacks", 1, -2, "-100.00");
        assertThat(new BigDecimal((String) eur.get("net"))).isEqualByComparingTo("165.00");
        Map<String, Object> usd = total(march, "USD");
        figures(usd, "sales", 1, 1, "30.00");
        figures(usd, "refunds", 1, -1, "-30.00");
        assertThat(new BigDecimal((String) usd.get("net"))).isEqualByComparingTo("0");
        assertThat(march.getList("totals")).hasSize(2);
    }

    @Test
    void testOrdersCountOnlyWhenAskedAndFiltersNarrowTheReport() {
        JsonPath withTest = sales("from=2026-03-01&to=2026-03-31&includeTest=true");
        figures(row(withTest, "ACME-PRO", "EUR"), "sales", 3, 4, "1144.00");

        JsonPath sub = sales("from=2026-03-01&to=2026-03-31&product=ACME-SUB");
        assertThat(sub.getList("rows")).hasSize(1);
        assertThat(sub.getList("rows.productCode")).containsExactly("ACME-SUB");

        JsonPath byDay = sales("from=2026-03-01&to=2026-03-31&product=5001&groupBy=day");
        List<Map<String, Object>> days = byDay.getList("rows");
        assertThat(days).extracting(r -> r.get("period")).containsExactly("2026-03-05", "2026-03-10", "2026-03-12", "2026-03-25",
                "2026-03-27");
        assertThat(new BigDecimal(amount(days.get(0), "sales"))).isEqualByComparingTo("100.00");

        JsonPath byMonth = sales("from=2026-03-01&to=2026-04-30&product=ACME-PRO&groupBy=month");
        assertThat(byMonth.getList("rows.period")).containsExactly("2026-03", "2026-03", "2026-04");

        connector.api().get("/api/reports/sales?from=2026-13-01").then().statusCode(400);
        connector.api().get("/api/reports/sales?from=2026-03-31&to=2026-03-01").then().statusCode(400);
        connector.api().get("/api/reports/sales?groupBy=week").then().statusCode(400);
        connector.http().get("/api/reports/sales").then().statusCode(401);
    }

    @Test
    void theCsvParsesBackWithAStandardParserIncludingUnicodeAndCommas() throws Exception {
        Response r = connector.api().get("/api/reports/facts.csv?from=2026-03-01&to=2026-03-31&product=ACME-PRO");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualToIgnoringWhitespace("text/csv;charset=UTF-8");
        assertThat(r.getHeader("Content-Disposition"))
                .isEqualTo("attachment; filename=\"order-facts-2026-03-01-to-2026-03-31-ACME-PRO.csv\"");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
        String csv = new String(r.asByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv)).getRecords();
        assertThat(records).hasSize(5); // A's line, B, C, B's refund, A's chargeback; not the test order
        assertThat(records).extracting(x -> x.get("kind")).containsExactly("SALE", "SALE", "SALE", "REFUND", "CHARGEBACK");
        CSVRecord first = records.get(0);
        assertThat(first.get("product_name")).isEqualTo(NAME);
        assertThat(first.get("order_ref")).isEqualTo(orderA);
        assertThat(first.get("paid_amount")).isEqualTo("100.00");
        assertThat(first.get("currency")).isEqualTo("EUR");
        assertThat(first.get("quantity")).isEqualTo("2");
        assertThat(first.get("occurred_at")).isEqualTo("2026-03-05T12:00:00Z");
        assertThat(first.get("counted")).isEqualTo("true");
        CSVRecord insLine = records.get(2);
        assertThat(insLine.get("order_ref")).isEqualTo(orderC);
        assertThat(insLine.get("usd_amount")).isEqualTo("48.60");
        assertThat(insLine.get("channel")).isEqualTo("INS");
        CSVRecord chargeback = records.get(4);
        assertThat(chargeback.get("refers_to")).isEqualTo(first.get("fact_id"));
        assertThat(chargeback.get("paid_amount")).isEqualTo("-100.00");
        assertThat(records.get(3).get("order_ref")).isEqualTo(orderB);
        assertThat(records.get(0).toMap().keySet()).hasSize(29);
        // Sums of the counted lines agree with the report
        BigDecimal eur = records.stream().filter(x -> x.get("currency").equals("EUR") && x.get("counted").equals("true"))
                .map(x -> new BigDecimal(x.get("paid_amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(eur).isEqualByComparingTo("45.00");

        String withTest = connector.api().get("/api/reports/facts.csv?from=2026-03-01&to=2026-03-31&product=ACME-PRO&includeTest=true")
                .asString();
        assertThat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(withTest))
                .getRecords()).hasSize(6);
        connector.api().get("/api/reports/facts.csv?to=not-a-day").then().statusCode(400).contentType("application/json");
    }

    @Test
    void aLongPeriodIsStreamedInChunks() throws Exception {
        int n = 20_000;
        connector.jdbc().update("""
                INSERT INTO order_fact (vendor_id, connector_id, product_mapping_id, channel, kind, line_key, fact_key, order_ref,
                                        quantity, paid_amount, currency, test, occurred_at, product_name)
                SELECT m.vendor_id, m.connector_id, m.id, 'IPN', 'SALE', 'BULK|' || g, 'BULK|' || g, 'BULK' || g, 1, 1.25, 'EUR',
                       false, timestamp with time zone '2020-01-01 00:00:00+00' + g * interval '1 minute', 'Bulk, «line» ' || g
                FROM product_mapping m, generate_series(1, ?) g
                WHERE m.product_code = 'ACME-PRO'
                ON CONFLICT DO NOTHING""", n);
        Response r = connector.api().get("/api/reports/facts.csv?from=2020-01-01&to=2020-12-31");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(r.getHeader("Content-Length")).isNull();
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(r.asString())).getRecords();
        assertThat(records).hasSize(n);
        assertThat(records.get(n - 1).get("product_name")).isEqualTo("Bulk, «line» " + n);
        assertThat(records.stream().map(x -> new BigDecimal(x.get("paid_amount"))).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("25000.00");
    }

    @Test
    void subscriptionCountsFollowTheLicenses() {
        JsonPath before = connector.api().get("/api/reports/subscriptions?product=ACME-SUB&vendor=acme").jsonPath();
        String ref = "SUB" + SignedPost.nextNumber();
        SignedPost order = SignedPost.ipn("COMPLETE")
                .product("5002", "ACME-SUB", "ACME Subscription", 1, ref, "REGULAR", "2099-01-01 00:00:00");
        deliverIpn(order, 1);
        JsonPath active = connector.api().get("/api/reports/subscriptions?product=ACME-SUB&vendor=acme").jsonPath();
        assertThat(active.getInt("totals.active")).isEqualTo(before.getInt("totals.active") + 1);
        assertThat(active.getInt("totals.total")).isEqualTo(before.getInt("totals.total") + 1);

        deliverLcn(SignedPost.lcn(ref).set("DISABLED", "1").set("EXPIRATION_DATE", "2099-01-01"), 1);
        JsonPath suspended = connector.api().get("/api/reports/subscriptions?product=ACME-SUB&vendor=acme").jsonPath();
        assertThat(suspended.getInt("totals.suspended")).isEqualTo(before.getInt("totals.suspended") + 1);
        assertThat(suspended.getInt("totals.active")).isEqualTo(before.getInt("totals.active"));
        assertThat(suspended.getInt("totals.expired")).isEqualTo(before.getInt("totals.expired"));
        assertThat(suspended.getList("rows.productCode")).containsExactly("ACME-SUB");
    }

    @Test
    void licensesPerDayCountTheDayTheyWereIssued() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        int before = issuedToday(today);
        SignedPost order = SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 3);
        deliverIpn(order, 1);
        SignedPost test = SignedPost.ipn("COMPLETE").set("TEST_ORDER", "1").product("5001", "ACME-PRO", "ACME Pro", 2);
        deliverIpn(test, 1);
        assertThat(issuedToday(today)).isEqualTo(before + 3);
        JsonPath all = connector.api().get("/api/reports/licenses-per-day?product=ACME-PRO&includeTest=true&from=" + today).jsonPath();
        assertThat(all.getInt("days.find { it.day == '" + today + "' }.issued")).isGreaterThanOrEqualTo(before + 5);
    }

    private int issuedToday(String today) {
        JsonPath r = connector.api().get("/api/reports/licenses-per-day?product=ACME-PRO&vendor=acme&from=" + today + "&to=" + today)
                .jsonPath();
        Integer n = r.get("days.find { it.day == '" + today + "' }.issued");
        return n == null ? 0 : n;
    }

    @Test
    void adminSessionsReadReportsToo() {
        Response login = connector.http().contentType("application/json")
                .body(Map.of("username", "admin", "password", RunningConnector.ADMIN_PASSWORD)).post("/api/session");
        login.then().statusCode(200);
        connector.http().cookie("tco_session", login.getCookie("tco_session"))
                .get("/api/reports/sales?from=2026-03-01&to=2026-03-31").then().statusCode(200);
        connector.http().cookie("tco_session", login.getCookie("tco_session"))
                .get("/api/reports/facts.csv?from=2026-03-01&to=2026-03-31").then().statusCode(200);
    }
}
