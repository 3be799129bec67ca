package io.github.twocheckout.connector.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plays a scenario against a connector: each step's call, signed for the scenario's vendor, then the
 * license state it expects, read back through {@code GET /api/licenses?order=} until it matches or
 * the step's timeout passes. Prints one line per step (and the fields and answer when verbose).
 */
public final class ScenarioRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectorClient client;
    private final PrintStream out;
    private final boolean verbose;
    private final HttpClient api = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String apiTokenOverride;

    public ScenarioRunner(ConnectorClient client, PrintStream out, boolean verbose) {
        this.client = client;
        this.out = out;
        this.verbose = verbose;
    }

    public ScenarioRunner apiToken(String token) {
        this.apiTokenOverride = token;
        return this;
    }

    /** Runs every step; true when every call was answered as expected and every expectation held. */
    public boolean run(Scenario scenario) {
        Calls calls = new Calls(scenario.vendor());
        SimOrder order = scenario.order();
        out.println("scenario: " + scenario.name() + " (order " + order.ref() + ", " + order.products().size()
                + " product line(s), " + scenario.steps().size() + " step(s)) against " + client.base());
        int periodsPaid = 1;
        Map<String, List<String>> keygenCodes = new java.util.HashMap<>();
        int failures = 0;
        int n = 0;
        for (Scenario.Step step : scenario.steps()) {
            n++;
            Instant at = step.at() == null ? order.placedAt().plusSeconds(60L * n)
                    : order.placedAt().atOffset(ZoneOffset.UTC).plus(step.at()).toInstant();
            if (step.channel().equals("app")) {
                // The buyer's application, not 2Checkout: a call of the licensing API with one of the order's codes.
                String verdict = app(scenario, order, step);
                out.println(String.format("[%d/%d] %s: %s", n, scenario.steps().size(), step.name(), verdict));
                if (!verdict.contains("✓")) {
                    failures++;
                }
                continue;
            }
            List<SimCall> toSend;
            try {
                toSend = build(calls, order, step, at, periodsPaid);
            } catch (RuntimeException e) {
                out.println(String.format("[%d/%d] %s: ✗ %s", n, scenario.steps().size(), step.name(), e.getMessage()));
                failures++;
                continue;
            }
            periodsPaid = Math.max(periodsPaid, paidAfter(step, periodsPaid));
            boolean stepOk = true;
            Map<String, Long> seen = lastIds(scenario, toSend);
            for (SimCall call : toSend) {
                CallResult r = client.send(calls.override(call, step.fields()));
                boolean ok = step.expectHttp() != null ? r.status() == step.expectHttp() : r.ok();
                String problem = r.problem() != null ? r.problem() : "expected HTTP " + step.expectHttp();
                if (ok && r.call().channel() == SimCall.Channel.KEYGEN && r.status() == 200) {
                    // Whatever 2Checkout asks again for the same order and product, the codes must not change.
                    List<String> before = keygenCodes.putIfAbsent(r.call().form().get("PCODE"), r.codes());
                    if (before != null && !before.equals(r.codes())) {
                        ok = false;
                        problem = "the key generator answered other codes than before for this order: " + String.join(", ", before);
                    }
                }
                String verdict = !ok ? "✗ " + problem : r.status() >= 300 ? "✓ as expected" + (r.body().isEmpty() ? ""
                        : " (" + ConnectorClient.abbreviate(r.body()) + ")") : "✓" + detail(r);
                out.println(String.format("[%d/%d] %s: %s → %s %s (%.0f ms)", n, scenario.steps().size(), step.name(),
                        r.call().label(), r.status() == 0 ? "no answer" : r.status(), verdict, r.millis()));
                if (verbose) {
                    r.call().form().lines().forEach(l -> out.println("      > " + l));
                    out.println("      < " + ConnectorClient.abbreviate(r.body()));
                }
                stepOk &= ok;
            }
            if (stepOk && step.expect() != null) {
                String verdict = await(scenario, order, step.expect());
                out.println("      " + verdict);
                stepOk = verdict.startsWith("✓");
            }
            if (seen != null) {
                // What 2Checkout or the vendor would notice: a notification of this step left FAILED or REJECTED.
                String verdict = outcomes(scenario, toSend, seen, step.expectNotification());
                if (!verdict.isEmpty()) {
                    out.println("      " + verdict);
                    stepOk &= verdict.startsWith("✓");
                }
            }
            if (!stepOk) {
                failures++;
                String hint = lastOutcome(scenario, order);
                if (hint != null) {
                    out.println("      last notification of the order: " + hint);
                }
            }
        }
        out.println(failures == 0 ? "scenario passed: " + scenario.steps().size() + " step(s)"
                : "scenario FAILED: " + failures + " of " + scenario.steps().size() + " step(s)");
        return failures == 0;
    }

    private static List<SimCall> build(Calls calls, SimOrder order, Scenario.Step step, Instant at, int periodsPaid) {
        Map<String, Object> s = step.send();
        return switch (step.channel()) {
            case "ins" -> List.of(calls.ins(order, required(s, "type", "ins"), at, new Calls.InsOptions(text(s, "fraud"),
                    text(s, "invoice"), number(s, "installment"), text(s, "ship"))));
            case "ipn" -> {
                Object upgrade = s.get("upgradeTo");
                Integer renewal = number(s, "renewal");
                yield List.of(calls.ipn(order, at, new Calls.IpnOptions(Objects.requireNonNullElse(text(s, "status"), "COMPLETE"),
                        text(s, "fraud"), renewal == null ? 0 : renewal,
                        upgrade == null ? null : Scenario.product(Scenario.map(upgrade, step.name() + " upgradeTo"), step.name()))));
            }
            case "lcn" -> {
                int line = line(order, text(s, "product"), true);
                String expires = text(s, "expires");
                Integer periods = number(s, "periods");
                Instant exp = expires != null ? order.placedAt().atOffset(ZoneOffset.UTC).plus(java.time.Period.parse(expires)).toInstant()
                        : order.expiry(line, periods != null ? periods : periodsPaid);
                yield List.of(calls.lcn(order, line, required(s, "state", "lcn"), exp, at));
            }
            default -> {
                Integer codes = number(s, "codes");
                String product = text(s, "product");
                List<SimCall> out = new ArrayList<>();
                if (product != null) {
                    out.add(calls.keygen(order, line(order, product, false), codes));
                } else {
                    for (int i = 0; i < order.products().size(); i++) {
                        out.add(calls.keygen(order, i, codes));
                    }
                }
                yield out;
            }
        };
    }

    /** Paid periods after this step: renewals add one (IPN renewal #n, INS installment n). */
    private static int paidAfter(Scenario.Step step, int paid) {
        Map<String, Object> s = step.send();
        if (step.channel().equals("ipn") && number(s, "renewal") != null) {
            return number(s, "renewal") + 1;
        }
        if (step.channel().equals("ins") && "RECURRING_INSTALLMENT_SUCCESS".equalsIgnoreCase(text(s, "type"))) {
            Integer installment = number(s, "installment");
            return (installment == null ? 1 : installment) + 1;
        }
        return paid;
    }

    private static int line(SimOrder order, String product, boolean subscription) {
        if (product == null) {
            int line = subscription ? order.firstSubscriptionLine() : 0;
            if (line < 0) {
                throw new IllegalArgumentException("the order has no subscription product");
            }
            return line;
        }
        int line = order.lineOf(product);
        if (line < 0) {
            throw new IllegalArgumentException("the order has no product '" + product + "'");
        }
        return line;
    }

    /** The order reference each call is stored under (REFNO, sale_id, the LCN's original order). */
    private static String refOf(SimCall call) {
        FormFields f = call.form();
        for (String name : List.of("REFNO", "sale_id", "ORIGINAL_ORDER_REFERENCE")) {
            if (f.get(name) != null && !f.get(name).isBlank()) {
                return f.get(name);
            }
        }
        return call.orderRef();
    }

    /** The newest notification id of each order the calls name, before they are sent; null when the API cannot be read. */
    private Map<String, Long> lastIds(Scenario scenario, List<SimCall> calls) {
        Map<String, Long> ids = new java.util.LinkedHashMap<>();
        try {
            for (SimCall call : calls) {
                String ref = refOf(call);
                if (!ids.containsKey(ref)) {
                    ids.put(ref, get(scenario, "/api/notifications?order=" + enc(ref)).stream()
                            .mapToLong(n -> ((Number) n.get("id")).longValue()).max().orElse(0));
                }
            }
            return ids;
        } catch (ApiException e) {
            return null;
        }
    }

    /**
     * Waits until the notifications the step stored are finished, then checks their status: FAILED or
     * REJECTED only where the step expects it, and then at least one of them so. Empty when the step
     * stored nothing new and expected nothing (a duplicate is counted on its original).
     */
    private String outcomes(Scenario scenario, List<SimCall> calls, Map<String, Long> before, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Map<String, Object>> fresh;
        while (true) {
            fresh = new ArrayList<>();
            try {
                for (Map.Entry<String, Long> e : before.entrySet()) {
                    for (Map<String, Object> n : get(scenario, "/api/notifications?order=" + enc(e.getKey()))) {
                        if (((Number) n.get("id")).longValue() > e.getValue()) {
                            fresh.add(n);
                        }
                    }
                }
            } catch (ApiException ex) {
                return "✗ " + ex.getMessage();
            }
            boolean unfinished = fresh.stream().anyMatch(n -> List.of("RECEIVED", "PROCESSING").contains(n.get("status")));
            if (!unfinished || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(200); // polling the API, as for the licenses
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> wrong = new ArrayList<>();
        boolean expectedSeen = false;
        for (Map<String, Object> n : fresh) {
            String status = String.valueOf(n.get("status"));
            boolean bad = status.equals("FAILED") || status.equals("REJECTED") || status.equals("RECEIVED") || status.equals("PROCESSING");
            if (expected != null && List.of(expected.split("\\|")).contains(status)) {
                expectedSeen = true;
            } else if (bad) {
                wrong.add(n.get("channel") + " " + n.get("message_type") + " ended " + status
                        + (n.get("error") != null ? ": " + n.get("error") : ""));
            }
        }
        if (expected != null && !expectedSeen) {
            wrong.add("no notification of this step ended " + expected.replace("|", " or "));
        }
        if (!wrong.isEmpty()) {
            return "✗ " + String.join("; ", wrong);
        }
        return expected != null ? "✓ notification " + expected.replace("|", " or ") + " as expected" : "";
    }

    /** Polls the order's licenses until the expectation holds or its timeout passes. */
    private String await(Scenario scenario, SimOrder order, Scenario.Expectation e) {
        long deadline = System.nanoTime() + e.timeout().toNanos();
        String last;
        while (true) {
            last = check(scenario, order, e);
            if (last.startsWith("✓") || System.nanoTime() > deadline) {
                return last;
            }
            try {
                Thread.sleep(200); // polling the API: the connector processes IPN/INS/LCN after acknowledging them
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return last;
            }
        }
    }

    private String check(Scenario scenario, SimOrder order, Scenario.Expectation e) {
        List<Map<String, Object>> licenses;
        try {
            licenses = get(scenario, "/api/licenses?order=" + enc(order.ref()));
        } catch (ApiException ex) {
            return "✗ " + ex.getMessage();
        }
        List<Map<String, Object>> matching = licenses.stream()
                .filter(l -> e.product() == null || e.product().equals(l.get("product_code")) || e.product().equals(l.get("product_id")))
                .toList();
        List<String> wrong = new ArrayList<>();
        if (e.licenses() != null && matching.size() != e.licenses()) {
            wrong.add(matching.size() + " license(s) instead of " + e.licenses());
        }
        LocalDate expires = e.expires() == null ? null
                : order.placedAt().atOffset(ZoneOffset.UTC).plus(e.expires()).toLocalDate();
        for (Map<String, Object> l : matching) {
            if (e.status() != null && !e.status().equals(l.get("status"))) {
                wrong.add(l.get("code") + " is " + l.get("status"));
            }
            if (e.test() != null && !e.test().equals(l.get("test"))) {
                wrong.add(l.get("code") + (Boolean.TRUE.equals(l.get("test")) ? " is a test license" : " is not a test license"));
            }
            if (expires != null) {
                Object at = l.get("expires_at");
                LocalDate actual = at == null ? null : LocalDate.parse(String.valueOf(at).substring(0, 10));
                if (actual == null || Math.abs(actual.toEpochDay() - expires.toEpochDay()) > 1) {
                    wrong.add(l.get("code") + " expires " + (actual == null ? "never" : actual) + ", not " + expires);
                }
            }
        }
        String what = (e.licenses() != null ? e.licenses() + " license(s)" : "licenses")
                + (e.product() != null ? " of " + e.product() : "") + (e.status() != null ? " " + e.status() : "")
                + (expires != null ? " until " + expires : "");
        return wrong.isEmpty() ? "✓ " + what : "✗ expected " + what + ": " + String.join("; ", wrong);
    }

    /**
     * An app step: {@code action} (activate, validate, deactivate) for the code of the order's line of
     * {@code product} (unit {@code unit}, default 1) on machine {@code machine}; the answer must be
     * expectHttp (default 200), and {@code valid} / {@code status} when given. A document in the answer must
     * verify offline with the connector's published keys exactly when the answer says valid.
     */
    private String app(Scenario scenario, SimOrder order, Scenario.Step step) {
        Map<String, Object> s = step.send();
        String action = required(s, "action", "app");
        String product = text(s, "product");
        String machine = Objects.requireNonNullElse(text(s, "machine"), "machine-1");
        Integer unit = number(s, "unit");
        List<Map<String, Object>> licenses;
        try {
            licenses = get(scenario, "/api/licenses?order=" + enc(order.ref())).stream()
                    .filter(l -> product == null || product.equals(l.get("product_code")) || product.equals(l.get("product_id"))).toList();
        } catch (ApiException e) {
            return "✗ " + e.getMessage();
        }
        int index = unit == null ? 0 : unit - 1;
        if (licenses.size() <= index) {
            return "✗ the order has no license" + (product == null ? "" : " of " + product) + (unit == null ? "" : " unit " + unit);
        }
        String code = String.valueOf(licenses.get(index).get("code"));
        AppClient.Answer r = new AppClient(client.base().toString(), Duration.ofSeconds(10))
                .call(action, code, AppClient.fingerprint(order.ref() + "/" + machine), action.equals("activate") ? machine : null, true);
        int expected = step.expectHttp() != null ? step.expectHttp() : 200;
        List<String> wrong = new ArrayList<>();
        if (r.status() != expected) {
            wrong.add("HTTP " + (r.status() == 0 ? "no answer" : r.status()) + " instead of " + expected
                    + (r.body().get("error") != null ? " (" + r.body().get("error") + ")" : ""));
        }
        if (s.get("valid") != null && !String.valueOf(s.get("valid")).equals(String.valueOf(r.body().get("valid")))) {
            wrong.add("valid is " + r.body().get("valid"));
        }
        if (text(s, "status") != null && !text(s, "status").equals(r.body().get("status"))) {
            wrong.add("status is " + r.body().get("status"));
        }
        if (r.offline() != null && r.offline().valid() != Boolean.TRUE.equals(r.body().get("valid"))) {
            wrong.add("the document " + (r.offline().valid() ? "verifies offline" : "does not verify offline: " + r.offline().reason())
                    + " while the answer says valid " + r.body().get("valid"));
        }
        String call = action + " " + code + " on " + machine + " → " + (r.status() == 0 ? "no answer" : r.status())
                + String.format(java.util.Locale.ROOT, " (%.0f ms)", r.millis());
        if (!wrong.isEmpty()) {
            return call + " ✗ " + String.join("; ", wrong);
        }
        return call + " ✓" + (r.body().get("seats") != null ? " seats " + r.body().get("seats") : "")
                + (r.offline() != null ? ", document " + (r.offline().valid() ? "verifies offline" : "has no lease") : "")
                + (r.body().get("error") != null ? " (" + r.body().get("error") + ")" : "");
    }

    private String lastOutcome(Scenario scenario, SimOrder order) {
        try {
            List<Map<String, Object>> rows = get(scenario, "/api/notifications?order=" + enc(order.ref()));
            if (rows.isEmpty()) {
                return null;
            }
            Map<String, Object> last = rows.get(rows.size() - 1);
            return last.get("channel") + " " + last.get("message_type") + " " + last.get("status")
                    + (last.get("error") != null ? ": " + last.get("error") : last.get("outcome") != null ? ": " + last.get("outcome") : "");
        } catch (ApiException e) {
            return null;
        }
    }

    private List<Map<String, Object>> get(Scenario scenario, String path) throws ApiException {
        String token = apiTokenOverride != null ? apiTokenOverride : scenario.apiToken();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = api.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() == 401) {
                throw new ApiException("the connector's API refused the token: give the simulator api.token (--api-token)");
            }
            if (r.statusCode() != 200) {
                throw new ApiException("the connector's API answered " + r.statusCode() + " for " + path);
            }
            return JSON.readValue(r.body(), new TypeReference<>() { });
        } catch (java.io.IOException ex) {
            throw new ApiException("cannot read " + path + " from the connector's API: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
    }

    private static final class ApiException extends Exception {
        ApiException(String message) {
            super(message);
        }
    }

    private static String detail(CallResult r) {
        return switch (r.call().channel()) {
            case IPN, LCN -> " receipt verified";
            case KEYGEN -> " " + r.codes().size() + " code(s): " + String.join(", ", r.codes());
            default -> "";
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : io.github.twocheckout.connector.config.ConnectorConfigLoader.expand(String.valueOf(v));
    }

    private static Integer number(Map<String, Object> m, String key) {
        String v = text(m, key);
        return v == null ? null : Integer.valueOf(v.trim());
    }

    private static String required(Map<String, Object> m, String key, String channel) {
        String v = text(m, key);
        if (v == null) {
            throw new IllegalArgumentException(channel + " step needs '" + key + "'");
        }
        return v;
    }
}
