package io.github.twocheckout.connector.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.twocheckout.connector.licensing.LicenseVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The buyer's application, for the simulator: activate, validate and deactivate a license code through
 * the connector's licensing API (/v1/licenses), and check the signed document offline with the keys the
 * connector publishes (/.well-known/jwks.json), as the application would.
 */
public final class AppClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: HTTP status, its JSON, time taken, and the offline check of its document (null when none came). */
    public record Answer(int status, Map<String, Object> body, double millis, LicenseVerifier.Result offline) {
    }

    private final String base;
    private final HttpClient http;
    private final Duration timeout;

    public AppClient(String base, Duration timeout) {
        this.base = base.replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A stable fingerprint for a named machine of the simulation (an application would hash the machine's ids). */
    public static String fingerprint(String seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return "sim-" + HexFormat.of().formatHex(h, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST /v1/licenses/{action}; a document in the answer is verified offline (test licenses allowed when asked). */
    public Answer call(String action, String code, String fingerprint, String machineName, boolean allowTest) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("fingerprint", fingerprint);
        if (machineName != null) {
            body.put("machineName", machineName);
        }
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/licenses/" + action)).timeout(timeout)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - start) / 1e6;
            Map<String, Object> answer = r.body().isBlank() ? Map.of() : JSON.readValue(r.body(), new TypeReference<>() { });
            String license = (String) answer.get("license");
            return new Answer(r.statusCode(), answer, millis, license == null ? null : verify(license, allowTest));
        } catch (java.io.IOException e) {
            return new Answer(0, Map.of("error", "no answer: " + e.getMessage()), (System.nanoTime() - start) / 1e6, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The document checked with the connector's published keys, fetched now. */
    public LicenseVerifier.Result verify(String document, boolean allowTest) throws java.io.IOException, InterruptedException {
        HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/jwks.json")).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        if (keys.statusCode() != 200) {
            return new LicenseVerifier.Result(false, "/.well-known/jwks.json answered " + keys.statusCode(), null);
        }
        return LicenseVerifier.ofKeys(keys.body()).verify(document, allowTest, Instant.now());
    }
}
