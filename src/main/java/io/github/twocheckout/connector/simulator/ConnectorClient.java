package io.github.twocheckout.connector.simulator;

import io.github.twocheckout.connector.protocol.HmacAlgorithm;
import io.github.twocheckout.connector.protocol.ReadReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts simulated calls to a connector and checks what 2Checkout would check: a 2xx, the read receipt
 * of IPN/LCN (recomputed with the vendor's key: a receipt that does not verify makes 2Checkout
 * re-send), and the code list of a key-generator answer. Failures come back as a one-line cause.
 *
 * <p>Calls go through the JDK's blocking {@link HttpURLConnection} on the caller's thread, its
 * connections kept alive between calls. The load mode runs alongside the connector on the same cores,
 * and java.net.http's client cost it about twice the CPU per call (its selector and executor threads hand
 * every call over three times, and its compiled code took a third of a 30-second run's CPU).
 */
public final class ConnectorClient {

    static {
        // Idle connections kept per server (the JDK's default is 5): with more threads than that calling at
        // once, most calls would otherwise open a new connection. Read once, at the first connection.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "1024");
        }
    }

    private static final Pattern SIG = Pattern.compile("<sig algo=\"([^\"]+)\" date=\"(\\d{14})\">([0-9a-fA-F]+)</sig>");
    private static final Pattern EPAYMENT = Pattern.compile("<EPAYMENT>(\\d{14})\\|([0-9a-fA-F]+)</EPAYMENT>");
    private static final Pattern CODE = Pattern.compile("<(code)>([^<]*)</\\1>", Pattern.CASE_INSENSITIVE);

    private final URI base;
    private final Duration timeout;

    public ConnectorClient(String baseUrl, Duration timeout) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        this.timeout = timeout;
    }

    public URI base() {
        return base;
    }

    public CallResult send(SimCall call) {
        byte[] body = call.body().getBytes(StandardCharsets.UTF_8);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        long start = System.nanoTime();
        boolean connected = false;
        try {
            HttpURLConnection http = (HttpURLConnection) base.resolve(base.getPath() + call.path()).toURL().openConnection();
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setConnectTimeout(millis);
            http.setReadTimeout(millis);
            http.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            http.setFixedLengthStreamingMode(body.length);
            http.connect(); // a kept-alive connection when one is idle
            connected = true;
            try (OutputStream out = http.getOutputStream()) {
                out.write(body);
            }
            int status = http.getResponseCode();
            String text;
            // The body is read to its end (an error's too): only then is the connection kept for the next call.
            try (InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return check(call, status, text, System.nanoTime() - start);
        } catch (ConnectException | SocketTimeoutException e) {
            if (connected && e instanceof SocketTimeoutException) {
                return failure(call, start, "timeout", "no answer from " + base + " within " + timeout.toSeconds() + " s");
            }
            return failure(call, start, "connect", "cannot connect to " + base + ": is the connector running there?");
        } catch (IOException e) {
            return failure(call, start, "io", "connection to " + base + " failed: " + e.getMessage());
        }
    }

    /** Judges an answer as 2Checkout would. Public for callers that post by other means. */
    public static CallResult check(SimCall call, int status, String body, long nanos) {
        String text = body == null ? "" : body.trim();
        if (status < 200 || status > 299) {
            return new CallResult(call, status, text, nanos, List.of(), "http-" + status, explainStatus(call, status, text));
        }
        switch (call.channel()) {
            case IPN, LCN -> {
                String problem = checkReceipt(call, text);
                return new CallResult(call, status, text, nanos, List.of(), problem == null ? null : "receipt", problem);
            }
            case KEYGEN -> {
                List<String> codes = new ArrayList<>();
                Matcher m = CODE.matcher(text);
                while (m.find()) {
                    codes.add(m.group(2));
                }
                String problem = null;
                if (codes.isEmpty()) {
                    problem = "the key generator answered " + status + " without a single code: 2Checkout would have nothing to show the buyer";
                } else if (call.expectedCodes() != null && codes.size() != call.expectedCodes()) {
                    problem = "the key generator answered " + codes.size() + " code(s), expected " + call.expectedCodes();
                }
                return new CallResult(call, status, text, nanos, List.copyOf(codes), problem == null ? null : "codes", problem);
            }
            default -> {
                return new CallResult(call, status, text, nanos, List.of(), null, null);
            }
        }
    }

    /** Recomputes the read receipt with the vendor's key; null when it verifies. */
    static String checkReceipt(SimCall call, String body) {
        Matcher sig = SIG.matcher(body);
        Matcher epayment = EPAYMENT.matcher(body);
        HmacAlgorithm algorithm;
        String date;
        if (sig.find()) {
            algorithm = switch (sig.group(1).toLowerCase(Locale.ROOT)) {
                case "sha3-256" -> HmacAlgorithm.SHA3_256;
                case "sha256" -> HmacAlgorithm.SHA256;
                default -> null;
            };
            if (algorithm == null) {
                return "read receipt names an unknown algorithm '" + sig.group(1) + "': 2Checkout would re-send";
            }
            date = sig.group(2);
        } else if (epayment.find()) {
            algorithm = HmacAlgorithm.MD5;
            date = epayment.group(1);
        } else {
            return "no read receipt in the answer (" + abbreviate(body) + "): 2Checkout would re-send this notification";
        }
        FormFields f = call.form();
        String key = call.vendor().secretKey();
        String expected = call.channel() == SimCall.Channel.IPN
                ? ReadReceipt.forIpn(algorithm, key, first(f.array("IPN_PID[]")), first(f.array("IPN_PNAME[]")), f.get("IPN_DATE"), date)
                : ReadReceipt.forLcn(algorithm, key, f.get("LICENSE_CODE"), f.get("EXPIRATION_DATE"), date);
        if (!expected.equalsIgnoreCase(body)) {
            return "read receipt mismatch: it does not verify with the simulator's secret key, so 2Checkout would re-send "
                    + "this notification (was it signed with another key, or altered on the way?)";
        }
        return null;
    }

    private static String explainStatus(SimCall call, int status, String body) {
        String said = body.isEmpty() ? "" : " (connector said: " + abbreviate(body) + ")";
        String lower = body.toLowerCase(Locale.ROOT);
        String secret = call.channel() == SimCall.Channel.INS ? "secret word" : "secret key";
        if (status == 403 && (lower.contains("does not match") || lower.contains("mismatch"))) {
            return "wrong secret: the connector rejected the signature; give the simulator the vendor's " + secret
                    + " from the connector's configuration" + said;
        }
        if (status == 403 && (lower.contains("unknown merchant") || lower.contains("unknown vendor"))) {
            return "unknown vendor: the connector has no vendor " + (call.channel() == SimCall.Channel.INS
                    ? "with INS vendor id " + call.vendor().insVendorId() : "with merchant code " + call.vendor().merchantCode()) + said;
        }
        if (status == 403) {
            return "rejected by the connector" + said;
        }
        if (status == 422 && lower.contains("unknown product")) {
            return "unknown product: the connector has no product mapping for it; add it to the vendor's connector" + said;
        }
        if (status == 422) {
            return "the connector could not license this order" + said;
        }
        if (status == 400) {
            return "the connector could not read the call" + said;
        }
        if (status == 404) {
            return "no such endpoint: is " + call.path() + " under the connector's base URL?" + said;
        }
        if (status == 503) {
            return "the connector is up but cannot store calls (database unavailable?)" + said;
        }
        return "HTTP " + status + said;
    }

    private static CallResult failure(SimCall call, long start, String kind, String problem) {
        return new CallResult(call, 0, "", System.nanoTime() - start, List.of(), kind, problem);
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 160 ? one.substring(0, 160) + "…" : one;
    }
}
