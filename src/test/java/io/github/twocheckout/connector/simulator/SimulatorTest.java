package io.github.twocheckout.connector.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.twocheckout.connector.simulator.CallResult;
import io.github.twocheckout.connector.simulator.Calls;
import io.github.twocheckout.connector.simulator.ConnectorClient;
import io.github.twocheckout.connector.simulator.SimCustomer;
import io.github.twocheckout.connector.simulator.SimOrder;
import io.github.twocheckout.connector.simulator.SimProduct;
import io.github.twocheckout.connector.simulator.SimVendor;
import io.github.twocheckout.connector.simulator.SimulatorCli;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.SharedInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator against the running connector: every channel's signature verified, mistakes explained, load counted. */
class SimulatorTest extends ConnectorTestBase {

    private static final SimVendor ACME = new SimVendor("1001", "ACME", "tango-acme", "acme-key-2026");
    private static final SimProduct PRO = new SimProduct("5001", "ACME-PRO", "ACME Pro «Ünïcode»", 2, new BigDecimal("129.00"), null);
    private static final SimProduct SUB = new SimProduct("5002", "ACME-SUB", "ACME Subscription – Jahr", 1, new BigDecimal("49.00"),
            Period.ofYears(1));

    private record Run(int exit, String out, String err) {
    }

    private Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SimulatorCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String[] acme(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", connector.baseUrl(), "--merchant", "ACME", "--secret-key", "acme-key-2026",
                "--vendor-id", "1001", "--secret-word", "tango-acme"));
        return all.toArray(String[]::new);
    }

    private ConnectorClient client() {
        return new ConnectorClient(connector.baseUrl(), Duration.ofSeconds(10));
    }

    private static SimOrder order(SimProduct... products) {
        return new SimOrder(io.github.twocheckout.connector.simulator.Scenario.freshRef(), List.of(products), SimCustomer.sample(),
                "EUR", Instant.now(), false);
    }

    @Test
    void sendPrintsWhatItSentAndWhatCameBackForEveryChannel() {
        Run ins = cli(acme("send", "ins", "--type", "ORDER_CREATED", "--fraud", "pass", "--order", "4100000001",
                "--product", "5001:ACME-PRO:2"));
        assertThat(ins.exit()).as(ins.out()).isZero();
        assertThat(ins.out()).contains("> POST " + connector.baseUrl() + "/2co/ins", ">   message_type=ORDER_CREATED",
                ">   customer_first_name=Zoë", "< HTTP 200", "ok: acknowledged").doesNotContain("tango-acme");

        Run ipn = cli(acme("send", "ipn", "--status", "COMPLETE", "--order", "4100000002", "--product", "5002:ACME-SUB:1:P1Y"));
        assertThat(ipn.exit()).as(ipn.out()).isZero();
        assertThat(ipn.out()).contains(">   SIGNATURE_SHA3_256=", "<   <sig algo=\"sha3-256\"",
                "ok: the read receipt verifies with the vendor's secret key").doesNotContain("acme-key-2026");

        Run md5 = cli(acme("send", "ipn", "--order", "4100000003", "--algorithms", "sha256", "--product", "5001:ACME-PRO"));
        assertThat(md5.exit()).as(md5.out()).isZero();
        assertThat(md5.out()).contains("<sig algo=\"sha256\"").doesNotContain("SIGNATURE_SHA3_256=");

        Run upgrade = cli(acme("send", "ipn", "--order", "4100000005", "--product", "5002:ACME-SUB:1:P1Y",
                "--upgrade-to", "5004:ACME-SUB-PLUS:1:P1Y:ACME Subscription Plus"));
        assertThat(upgrade.exit()).as(upgrade.out()).isZero();
        assertThat(upgrade.out()).contains(">   IPN_LICENSE_TYPE[]=UPGRADE", ">   IPN_PCODE[]=ACME-SUB-PLUS",
                ">   IPN_LICENSE_REF[]=" + new SimOrder(4100000005L, List.of(SUB), SimCustomer.sample(), "EUR", Instant.now(), false)
                        .subscriptionRef(0));

        Run lcn = cli(acme("send", "lcn", "--state", "PAST_DUE", "--order", "4100000002", "--product", "5002:ACME-SUB:1:P1Y"));
        assertThat(lcn.exit()).as(lcn.out()).isZero();
        assertThat(lcn.out()).contains(">   STATUS=PAST_DUE", "ok: the read receipt verifies");

        Run keygen = cli(acme("send", "keygen", "--order", "4100000004", "--product", "5001:ACME-PRO:3", "--codes", "3"));
        assertThat(keygen.exit()).as(keygen.out()).isZero();
        assertThat(keygen.out()).contains("<Code>", "ok: 3 code(s): ACME-");

        awaitSettled("4100000001", 1);
        assertThat(connector.licenses("4100000001")).hasSize(2);
        // The LCN names the subscription, not the order; it may even arrive first and wait (parked) for it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connector.licenses("4100000002").stream()
                .anyMatch(l -> "PAST_DUE".equals(l.get("status"))));
        assertThat(connector.licenses("4100000002")).singleElement()
                .satisfies(l -> assertThat(l.get("subscription_ref")).isEqualTo(order4100000002().subscriptionRef(0)));
        assertThat(connector.licenses("4100000004")).hasSize(3);
    }

    private static SimOrder order4100000002() {
        return new SimOrder(4100000002L, List.of(SUB), SimCustomer.sample(), "EUR", Instant.now(), false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ORDER_CREATED", "FRAUD_STATUS_CHANGED", "SHIP_STATUS_CHANGED", "INVOICE_STATUS_CHANGED", "REFUND_ISSUED",
            "RECURRING_INSTALLMENT_SUCCESS", "RECURRING_INSTALLMENT_FAILED", "RECURRING_STOPPED", "RECURRING_COMPLETE",
            "RECURRING_RESTARTED"})
    void everyInsMessageTypeIsVerifiedAndStored(String type) {
        SimOrder order = order(PRO, SUB);
        CallResult r = client().send(new Calls(ACME).ins(order, type, Instant.now(), Calls.InsOptions.DEFAULTS));
        assertThat(r.ok()).as(r.problem()).isTrue();
        assertThat(connector.notifications(order.ref())).singleElement()
                .satisfies(n -> assertThat(n.get("message_type")).isEqualTo(type));
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMPLETE", "PAYMENT_AUTHORIZED", "PENDING", "SUSPECT", "INVALID", "REFUND", "REVERSED", "CANCELED"})
    void everyIpnStatusIsVerifiedAndItsReceiptChecked(String status) {
        SimOrder order = order(PRO, SUB);
        CallResult r = client().send(new Calls(ACME).ipn(order, Instant.now(), Calls.IpnOptions.of(status, "APPROVED")));
        assertThat(r.ok()).as(r.problem()).isTrue();
        assertThat(r.body()).startsWith("<sig algo=\"sha3-256\"");
    }

    @Test
    void renewalsUpgradesAndEveryLcnStateAreVerified() {
        SimOrder order = order(SUB);
        Calls calls = new Calls(ACME);
        assertThat(client().send(calls.ipn(order, Instant.now(), Calls.IpnOptions.of("COMPLETE", "APPROVED"))).ok()).isTrue();
        assertThat(client().send(calls.ipn(order, Instant.now(), new Calls.IpnOptions("COMPLETE", "APPROVED", 1, null))).ok()).isTrue();
        SimProduct plus = new SimProduct("5004", "ACME-SUB-PLUS", "ACME Subscription Plus", 1, new BigDecimal("79.00"), Period.ofYears(1));
        assertThat(client().send(calls.ipn(order, Instant.now(), new Calls.IpnOptions("COMPLETE", "APPROVED", 0, plus))).ok()).isTrue();
        for (String state : Calls.LCN_STATES) {
            CallResult r = client().send(calls.lcn(order, 0, state, order.expiry(0, 2), Instant.now().plusSeconds(state.length())));
            assertThat(r.ok()).as(state + ": " + r.problem()).isTrue();
        }
        // The order and its four LCNs (which name it as their ORIGINAL_ORDER_REFERENCE, as 2Checkout's do).
        awaitSettled(order.ref(), 5);
        assertThat(connector.licenses(order.ref())).hasSize(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<java.util.Map<String, Object>> rows = lcnNotifications(order.subscriptionRef(0));
            return rows.size() == 4 && rows.stream().allMatch(r -> "PROCESSED".equals(r.get("status")));
        });
    }

    @Test
    void mistakesAreExplainedInOneLine() throws Exception {
        Run wrongKey = cli("send", "ipn", "--url", connector.baseUrl(), "--merchant", "ACME", "--secret-key", "not-the-key",
                "--product", "5001:ACME-PRO");
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.out()).contains("problem: wrong secret: the connector rejected the signature; give the simulator "
                + "the vendor's secret key").doesNotContain("Exception", "\tat ");

        Run wrongWord = cli("send", "ins", "--url", connector.baseUrl(), "--vendor-id", "1001", "--secret-word", "nope",
                "--product", "5001:ACME-PRO");
        assertThat(wrongWord.out()).contains("problem: wrong secret", "secret word");

        Run unknownProduct = cli(acme("send", "keygen", "--product", "999:NO-SUCH"));
        assertThat(unknownProduct.exit()).isEqualTo(1);
        assertThat(unknownProduct.out()).contains("problem: unknown product: the connector has no product mapping for it");

        Run down = cli("send", "lcn", "--url", "http://127.0.0.1:" + SharedInfrastructure.freePort(), "--product", "5002:ACME-SUB:1:P1Y");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.out()).containsPattern("problem: cannot connect to http://127.0.0.1:\\d+: is the connector running there\\?");

        Run usage = cli("scenario", "--url", connector.baseUrl(), "no-such-file.yaml");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("simulate: no-such-file.yaml").doesNotContain("\tat ");

        // A receipt that does not verify: a stand-in server signs with another key.
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", exchange -> {
            byte[] body = "<sig algo=\"sha3-256\" date=\"20261122101010\">00ff</sig>".getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fake.start();
        try {
            Run receipt = cli("send", "ipn", "--url", "http://127.0.0.1:" + fake.getAddress().getPort(), "--product", "5001:ACME-PRO");
            assertThat(receipt.exit()).isEqualTo(1);
            assertThat(receipt.out()).contains("problem: read receipt mismatch: it does not verify with the simulator's secret key, "
                    + "so 2Checkout would re-send this notification");
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void loadModeSendsDistinctNotificationsAndItsSummaryAddsUp() throws Exception {
        int before = connector.jdbc().queryForObject("SELECT count(*) FROM notification WHERE status <> 'REJECTED'", Integer.class);
        Run run = cli(acme("load", "--count", "300", "--concurrency", "6", "--quiet",
                "--mix", "ins=25,ins:RECURRING_INSTALLMENT_SUCCESS=5,ins:REFUND_ISSUED=5,ipn=25,ipn:RENEWAL=10,ipn:REFUND=5,"
                        + "lcn:PAST_DUE=5,lcn=5,keygen=15",
                "--product", "5001:ACME-PRO:2", "--product", "5002:ACME-SUB:1:P1Y"));
        assertThat(run.exit()).as(run.out()).isZero();
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertThat(summary.get("sent").asLong()).isEqualTo(300);
        assertThat(summary.get("failed").asLong()).isZero();
        assertThat(summary.get("ok").asLong()).isEqualTo(300);
        assertThat(summary.get("byStatus").get("200").asLong()).isEqualTo(300);
        assertThat(sum(summary.get("byStatus"))).isEqualTo(300);
        assertThat(sum(summary.get("byMix"))).isEqualTo(300);
        long perChannel = 0;
        for (Iterator<JsonNode> it = summary.get("channels").elements(); it.hasNext(); ) {
            perChannel += it.next().get("sent").asLong();
        }
        assertThat(perChannel).isEqualTo(300);
        assertThat(summary.get("latencyMs").get("p99").asDouble()).isPositive();
        assertThat(summary.get("latencyMs").get("max").asDouble()).isGreaterThanOrEqualTo(summary.get("latencyMs").get("p99").asDouble());
        assertThat(summary.get("throughputPerSecond").asDouble()).isPositive();
        // Every call was a distinct notification: 300 new rows, none counted as a duplicate of another.
        int after = connector.jdbc().queryForObject("SELECT count(*) FROM notification WHERE status <> 'REJECTED'", Integer.class);
        assertThat(after - before).isEqualTo(300);
    }

    @Test
    void loadModeAtAFixedRateSendsWhatWasDueAndStopsByItself() throws Exception {
        Run run = cli(acme("load", "--rate", "100", "--duration", "2s", "--concurrency", "4", "--mix", "ipn=1,keygen=1",
                "--product", "5001:ACME-PRO"));
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.err()).contains("sent", "p99"); // the progress line
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertThat(summary.get("rate").asInt()).isEqualTo(100);
        assertThat(summary.get("sent").asLong()).isEqualTo(200);
        assertThat(summary.get("byStatus").get("200").asLong()).isEqualTo(200);
        assertThat(summary.get("elapsedSeconds").asDouble()).isBetween(1.9, 15.0);
    }

    private static long sum(JsonNode counts) {
        long total = 0;
        for (Iterator<JsonNode> it = counts.elements(); it.hasNext(); ) {
            total += it.next().asLong();
        }
        return total;
    }
}
