package io.github.twocheckout.connector.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar twocheckout-license-connector.jar simulate ...}: signed 2Checkout traffic for a
 * connector. {@code send} one call, play a {@code scenario} file, or generate {@code load}. Exit code 0
 * when everything was answered as 2Checkout expects, 1 when not, 2 for a usage error.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Sends correctly signed 2Checkout calls (INS, IPN, LCN, key generator) to a connector.",
        subcommands = {SimulatorCli.Send.class, SimulatorCli.RunScenario.class, SimulatorCli.Load.class, SimulatorCli.App.class,
                SimulatorCli.Idn.class, SimulatorCli.Webhooks.class})
public final class SimulatorCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new SimulatorCli());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // A mistake in a file or an option is a sentence, not a stack trace.
            commandLine.getErr().println("simulate: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 2;
        });
        Streams.OUT.set(out);
        Streams.ERR.set(err);
        try {
            return cli.execute(args);
        } finally {
            Streams.OUT.remove();
            Streams.ERR.remove();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The streams of the current run (tests run the CLI in-process). */
    static final class Streams {
        static final ThreadLocal<PrintStream> OUT = new ThreadLocal<>();
        static final ThreadLocal<PrintStream> ERR = new ThreadLocal<>();

        static PrintStream out() {
            return OUT.get() == null ? System.out : OUT.get();
        }

        static PrintStream err() {
            return ERR.get() == null ? System.err : ERR.get();
        }
    }

    /** Where the connector is and whose secrets sign the calls. Defaults: the demo vendor of config/connectors.yaml. */
    static final class Target {
        @Option(names = "--url", defaultValue = "${env:SIM_URL:-http://127.0.0.1:8080}",
                description = "Connector base URL (default: ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--merchant", defaultValue = "${env:SIM_MERCHANT:-DEMOSOFT}", description = "Merchant code (IPN, LCN, key generator)")
        String merchant;

        @Option(names = "--secret-key", defaultValue = "${env:SIM_SECRET_KEY:-AABBCCDDEEFF}",
                description = "The vendor's secret key (IPN, LCN, key generator); env SIM_SECRET_KEY", showDefaultValue = CommandLine.Help.Visibility.NEVER)
        String secretKey;

        @Option(names = "--vendor-id", defaultValue = "${env:SIM_VENDOR_ID:-901234567}", description = "INS seller id (vendor_id)")
        String vendorId;

        @Option(names = "--secret-word", defaultValue = "${env:SIM_SECRET_WORD:-s3cr3tWord}",
                description = "The vendor's INS secret word; env SIM_SECRET_WORD", showDefaultValue = CommandLine.Help.Visibility.NEVER)
        String secretWord;

        @Option(names = "--timeout", defaultValue = "10s", description = "How long to wait for each answer (default: ${DEFAULT-VALUE})")
        String timeout;

        SimVendor vendor() {
            return new SimVendor(vendorId, merchant, secretWord, secretKey);
        }

        ConnectorClient client() {
            return new ConnectorClient(url, duration(timeout));
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Sends one call and prints what was sent, what came back, and whether 2Checkout would accept it.")
    static final class Send implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "ins, ipn, lcn or keygen")
        String channel;

        @Option(names = "--type", defaultValue = "ORDER_CREATED", description = "INS message_type (default: ${DEFAULT-VALUE})")
        String type;

        @Option(names = "--status", defaultValue = "COMPLETE", description = "IPN ORDERSTATUS (default: ${DEFAULT-VALUE})")
        String status;

        @Option(names = "--fraud", description = "IPN FRAUD_STATUS (default APPROVED) or INS fraud_status (default wait for ORDER_CREATED)")
        String fraud;

        @Option(names = "--renewal", defaultValue = "0", description = "IPN: renewal order number (1, 2, ...) of the order")
        int renewal;

        @Option(names = "--upgrade-to", description = "IPN: an upgrade order of the order's subscription to this product, "
                + "id:code[:quantity[:period[:name]]]")
        String upgradeTo;

        @Option(names = "--installment", description = "INS: installment number (invoice) of the order")
        Integer installment;

        @Option(names = "--state", defaultValue = "ACTIVE", description = "LCN state: ACTIVE, PAST_DUE, EXPIRED, DISABLED")
        String state;

        @Option(names = "--order", description = "Order reference (default: a fresh one)")
        Long order;

        @Option(names = "--product", description = "Product line id:code[:quantity[:period[:name]]], repeatable (default 4711001:DEMO-PRO:1)")
        List<String> products = new ArrayList<>();

        @Option(names = "--test", description = "A test order (TEST_ORDER=1, TESTORDER=YES, demo=Y)")
        boolean test;

        @Option(names = "--codes", description = "Key generator: how many codes the answer must carry")
        Integer codes;

        @Option(names = "--algorithms", split = ",", description = "Sign with these: sha3, sha256, md5 (default all three)")
        List<String> algorithms = new ArrayList<>();

        @Option(names = "--field", description = "NAME=VALUE set after building (then signed again), repeatable")
        Map<String, String> fields = new LinkedHashMap<>();

        @Override
        public Integer call() {
            PrintStream out = Streams.out();
            SimOrder o = new SimOrder(order == null ? Scenario.freshRef() : order, products(products), SimCustomer.sample(), "EUR",
                    Instant.now(), test);
            Calls calls = new Calls(target.vendor()).signWith(algorithms(algorithms));
            List<SimCall> toSend = new ArrayList<>();
            switch (channel.toLowerCase(Locale.ROOT)) {
                case "ins" -> toSend.add(calls.ins(o, type, Instant.now(), new Calls.InsOptions(fraud, null, installment, null)));
                case "ipn" -> toSend.add(calls.ipn(o, Instant.now(), new Calls.IpnOptions(status, fraud, renewal,
                        upgradeTo == null ? null : product(upgradeTo))));
                case "lcn" -> {
                    int line = Math.max(0, o.firstSubscriptionLine());
                    toSend.add(calls.lcn(o, line, state, o.expiry(line, renewal + 1), Instant.now()));
                }
                case "keygen" -> {
                    for (int i = 0; i < o.products().size(); i++) {
                        toSend.add(calls.keygen(o, i, codes));
                    }
                }
                default -> throw new IllegalArgumentException("unknown channel '" + channel + "': ins, ipn, lcn or keygen");
            }
            ConnectorClient client = target.client();
            boolean allOk = true;
            for (SimCall call : toSend) {
                SimCall c = calls.override(call, fields);
                out.println("> POST " + client.base() + c.path() + "  (" + c.label() + ")");
                c.form().lines().forEach(l -> out.println(">   " + l));
                CallResult r = client.send(c);
                out.println("< " + (r.status() == 0 ? "no answer" : "HTTP " + r.status()) + String.format(Locale.ROOT, " in %.1f ms", r.millis()));
                if (!r.body().isEmpty()) {
                    r.body().lines().forEach(l -> out.println("<   " + l));
                }
                if (r.ok()) {
                    out.println("ok: " + switch (c.channel()) {
                        case IPN, LCN -> "the read receipt verifies with the vendor's secret key";
                        case KEYGEN -> r.codes().size() + " code(s): " + String.join(", ", r.codes());
                        default -> "acknowledged";
                    });
                } else {
                    out.println("problem: " + r.problem());
                    allOk = false;
                }
            }
            return allOk ? 0 : 1;
        }
    }

    @Command(name = "app", mixinStandardHelpOptions = true,
            description = "Plays the buyer's application: activate, validate or deactivate a license code through the "
                    + "licensing API, and verify the signed document offline with the connector's published keys.")
    static final class App implements Callable<Integer> {
        @Option(names = "--url", defaultValue = "${env:SIM_URL:-http://127.0.0.1:8080}", description = "Connector base URL (default: ${DEFAULT-VALUE})")
        String url;

        @Parameters(index = "0", description = "activate, validate or deactivate")
        String action;

        @Option(names = "--code", required = true, description = "The License Activation Code")
        String code;

        @Option(names = "--machine", defaultValue = "my-laptop", description = "This machine's name; its fingerprint is derived from it "
                + "unless --fingerprint is given (default: ${DEFAULT-VALUE})")
        String machine;

        @Option(names = "--fingerprint", description = "The machine's fingerprint as the application computes it")
        String fingerprint;

        @Option(names = "--allow-test", description = "Accept a test order's license as valid offline")
        boolean allowTest;

        @Option(names = "--timeout", defaultValue = "10s", description = "How long to wait for the answer (default: ${DEFAULT-VALUE})")
        String timeout;

        @Override
        public Integer call() {
            String a = action.toLowerCase(Locale.ROOT);
            if (!List.of("activate", "validate", "deactivate").contains(a)) {
                throw new IllegalArgumentException("unknown action '" + action + "': activate, validate or deactivate");
            }
            PrintStream out = Streams.out();
            String fp = fingerprint != null ? fingerprint : AppClient.fingerprint(machine);
            AppClient.Answer r = new AppClient(url, duration(timeout)).call(a, code, fp, a.equals("activate") ? machine : null, allowTest);
            out.println("> POST " + url + "/v1/licenses/" + a + "  (machine " + machine + ", fingerprint " + fp + ")");
            out.println("< " + (r.status() == 0 ? "no answer" : "HTTP " + r.status()) + String.format(Locale.ROOT, " in %.1f ms", r.millis()));
            r.body().forEach((k, v) -> out.println("<   " + k + ": " + (k.equals("license") ? ConnectorClient.abbreviate(String.valueOf(v)) : v)));
            if (r.offline() != null) {
                out.println("offline check: " + (r.offline().valid() ? "VALID, " : "NOT VALID, ") + r.offline().reason());
            }
            boolean ok = r.status() / 100 == 2 && (r.offline() == null || r.offline().valid() || !Boolean.TRUE.equals(r.body().get("valid")));
            return ok ? 0 : 1;
        }
    }

    @Command(name = "idn-server", mixinStandardHelpOptions = true,
            description = "Plays 2Checkout's IDN endpoint on 127.0.0.1: checks each delivery confirmation's signature, answers as "
                    + "2Checkout does, prints what arrives. Point the connector's idn.url at the URL it prints. Runs until stopped.")
    static final class Idn implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8090", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--merchant", defaultValue = "${env:SIM_MERCHANT:-DEMOSOFT}", description = "Merchant code (default: ${DEFAULT-VALUE})")
        String merchant;

        @Option(names = "--secret-key", defaultValue = "${env:SIM_SECRET_KEY:-AABBCCDDEEFF}",
                description = "The merchant's secret key (default: $SIM_SECRET_KEY or the demo key)", showDefaultValue = CommandLine.Help.Visibility.NEVER)
        String secretKey;

        @Option(names = "--algorithm", defaultValue = "HMAC-SHA256", description = "HMAC-SHA256 or HMAC-MD5 (default: ${DEFAULT-VALUE})")
        String algorithm;

        @Option(names = "--signature-field", defaultValue = "ORDER_HASH", description = "The signature's field (default: ${DEFAULT-VALUE})")
        String signatureField;

        @Option(names = "--fail", defaultValue = "0", description = "Answer the first N calls 503, as 2Checkout down (default: ${DEFAULT-VALUE})")
        int fail;

        @Override
        public Integer call() throws Exception {
            HmacAlgorithm a = java.util.Arrays.stream(HmacAlgorithm.values()).filter(h -> h.label().equalsIgnoreCase(algorithm))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown --algorithm " + algorithm));
            try (IdnEndpoint idn = IdnEndpoint.start(port, Map.of(merchant, secretKey), a, signatureField, Streams.out())) {
                idn.failNext(fail);
                Streams.out().println("2Checkout IDN endpoint at " + idn.url() + " (Ctrl-C stops it)");
                new java.util.concurrent.CountDownLatch(1).await();
            }
            return 0;
        }
    }

    @Command(name = "webhook-receiver", mixinStandardHelpOptions = true,
            description = "A vendor's webhook receiver on 127.0.0.1: verifies each event's Standard Webhooks signature with the "
                    + "destination's secret and prints what arrives. Runs until stopped.")
    static final class Webhooks implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8091", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--secret", required = true, defaultValue = "${env:SIM_WEBHOOK_SECRET}",
                description = "The destination's secret, whsec_... (default: $SIM_WEBHOOK_SECRET)")
        String secret;

        @Override
        public Integer call() throws Exception {
            if (!io.github.twocheckout.connector.protocol.WebhookSignature.isSecret(secret)) {
                throw new IllegalArgumentException("--secret must be whsec_ followed by base64");
            }
            try (WebhookReceiver receiver = WebhookReceiver.start(port, secret, Streams.out())) {
                Streams.out().println("Webhook receiver at " + receiver.url() + " (Ctrl-C stops it)");
                new java.util.concurrent.CountDownLatch(1).await();
            }
            return 0;
        }
    }

    @Command(name = "scenario", mixinStandardHelpOptions = true,
            description = "Plays scenario files (see scenarios/README.md) and checks the license state after each step.")
    static final class RunScenario implements Callable<Integer> {
        @Option(names = "--url", defaultValue = "${env:SIM_URL:-http://127.0.0.1:8080}", description = "Connector base URL (default: ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--api-token", defaultValue = "${env:SIM_API_TOKEN}", description = "The connector's api.token (default: the file's apiToken)")
        String apiToken;

        @Option(names = "--timeout", defaultValue = "10s", description = "How long to wait for each answer")
        String timeout;

        @Option(names = {"-v", "--verbose"}, description = "Print every field sent and every answer")
        boolean verbose;

        @Parameters(arity = "1..*", description = "Scenario files")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            ScenarioRunner runner = new ScenarioRunner(new ConnectorClient(url, duration(timeout)), Streams.out(), verbose)
                    .apiToken(apiToken);
            boolean ok = true;
            for (Path file : files) {
                ok &= runner.run(Scenario.load(file));
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Sends distinct signed notifications at a concurrency or rate, then prints a JSON summary.")
    static final class Load implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--mix", defaultValue = "ins=40,ipn=40,lcn=10,keygen=10",
                description = "channel[:type]=weight,... e.g. ins=30,ipn:COMPLETE=30,ipn:RENEWAL=10,ipn:REFUND=5,lcn:PAST_DUE=5,keygen=10 "
                        + "(default: ${DEFAULT-VALUE})")
        String mix;

        @Option(names = "--concurrency", defaultValue = "8", description = "Calls in flight (default: ${DEFAULT-VALUE})")
        int concurrency;

        @Option(names = "--rate", description = "Calls per second (open loop); default: as fast as the concurrency allows")
        Integer rate;

        @Option(names = "--count", description = "Stop after this many calls")
        Long count;

        @Option(names = "--duration", description = "Stop after this long, e.g. 30s, 2m (default 10s when no --count)")
        String duration;

        @Option(names = "--product", description = "Product lines the connector knows, id:code[:quantity[:period[:name]]], repeatable "
                + "(default: the demo products 4711001:DEMO-PRO and 4711002:DEMO-PRO-1Y:1:P1Y)")
        List<String> products = new ArrayList<>();

        @Option(names = "--copies", defaultValue = "1", description = "Send every call this many times at once (a duplicate storm)")
        int copies;

        @Option(names = "--json", description = "Write the summary to this file (it is always printed)")
        Path json;

        @Option(names = "--quiet", description = "No progress line")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            Duration d = duration != null ? duration(duration) : count == null ? Duration.ofSeconds(10) : null;
            List<SimProduct> lines = products.isEmpty()
                    ? List.of(product("4711001:DEMO-PRO:1"), product("4711002:DEMO-PRO-1Y:1:P1Y")) : products(products);
            PrintStream progress = quiet ? new PrintStream(java.io.OutputStream.nullOutputStream()) : Streams.err();
            LoadSummary summary = new LoadRunner(target.client(), target.vendor(), progress).copies(copies)
                    .run(new LoadRunner.Options(mix, concurrency, rate, count, d, lines, duration(target.timeout)));
            String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary);
            Streams.out().println(text);
            if (json != null) {
                Files.writeString(json, text + "\n", StandardCharsets.UTF_8);
            }
            return summary.failed() == 0 ? 0 : 1;
        }
    }

    static List<SimProduct> products(List<String> specs) {
        if (specs.isEmpty()) {
            return List.of(product("4711001:DEMO-PRO:1"));
        }
        return specs.stream().map(SimulatorCli::product).toList();
    }

    /** id:code[:quantity[:period[:name]]], e.g. 4711002:DEMO-PRO-1Y:2:P1Y:Demo App Pro (1 year). */
    static SimProduct product(String spec) {
        String[] p = spec.split(":", 5);
        if (p.length < 2) {
            throw new IllegalArgumentException("product '" + spec + "': expected id:code[:quantity[:period[:name]]]");
        }
        return new SimProduct(p[0], p[1], p.length > 4 ? p[4] : p[1], p.length > 2 ? Integer.parseInt(p[2]) : 1,
                new BigDecimal("49.00"), p.length > 3 && !p[3].isBlank() ? Period.parse(p[3]) : null);
    }

    static Set<HmacAlgorithm> algorithms(List<String> names) {
        if (names.isEmpty()) {
            return EnumSet.allOf(HmacAlgorithm.class);
        }
        Set<HmacAlgorithm> out = EnumSet.noneOf(HmacAlgorithm.class);
        for (String n : names) {
            switch (n.trim().toLowerCase(Locale.ROOT)) {
                case "sha3", "sha3-256" -> out.add(HmacAlgorithm.SHA3_256);
                case "sha256", "sha2", "sha2-256" -> out.add(HmacAlgorithm.SHA256);
                case "md5" -> out.add(HmacAlgorithm.MD5);
                case "none" -> { }
                default -> throw new IllegalArgumentException("unknown algorithm '" + n + "': sha3, sha256, md5 or none");
            }
        }
        return out;
    }

    static Duration duration(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        try {
            return t.startsWith("P") ? Duration.parse(t) : Duration.parse("PT" + t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 10s, 2m)");
        }
    }
}
