package io.github.twocheckout.connector.licensing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Variable;

/**
 * The answer of the licensing API: the license's state and, for a machine that holds a seat, a license
 * document an application verifies offline: a JWS in compact form (RFC 7515) signed with Ed25519
 * ({@code alg: EdDSA}, RFC 8037), whose key is published at /.well-known/jwks.json under its {@code kid}.
 *
 * <p>The lease is how long the application may run on the document without asking again, and it is the
 * JWT {@code exp}, so that any JWT library refuses a document whose lease is over: the end of the paid
 * term while ACTIVE (for a perpetual license, {@code perpetualLease} from now, renewed at each
 * validation); the end of the past-due grace while PAST_DUE; none (exp = iat) when revoked, refunded,
 * suspended or expired. {@code aud} is "live", or "test" for a test order's license, so that a verifier
 * that asks for "live" never accepts a test license.
 */
public class LicenseDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SigningKeys keys;
    private String issuer = "twocheckout-license-connector";
    private Duration perpetualLease = Duration.ofDays(30);

    public LicenseDocuments(SigningKeys keys) {
        this.keys = keys;
    }

    /** The JSON answer: state, seats, lease and, when the machine holds a seat, the signed document. */
    public Map<String, Object> answer(@Variable("licenseState") LicenseState s) {
        Instant now = Instant.now();
        Instant lease = leaseEnd(s, now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("code", s.code());
        out.put("status", s.status());
        out.put("valid", s.activated() && lease != null);
        out.put("activated", s.activated());
        out.put("test", s.test());
        out.put("seats", Map.of("used", s.seatsUsed(), "limit", s.seats()));
        out.put("expiresAt", s.expiresAt() == null ? null : s.expiresAt().toString());
        out.put("leaseUntil", lease == null ? null : lease.toString());
        if (s.activated()) {
            out.put("license", sign(claims(s, now, lease)));
        } else {
            out.put("reason", "this machine holds no seat of the license: activate it first");
        }
        return out;
    }

    /** When the application must ask again; null for no lease. */
    Instant leaseEnd(LicenseState s, Instant now) {
        switch (s.status()) {
            case "ACTIVE":
                return s.expiresAt() != null ? s.expiresAt() : now.plus(perpetualLease);
            case "PAST_DUE":
                return now.isBefore(s.pastDueGraceEnd()) ? s.pastDueGraceEnd() : null;
            default:
                return null;
        }
    }

    Map<String, Object> claims(LicenseState s, Instant now, Instant lease) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("aud", s.test() ? "test" : "live");
        c.put("sub", s.code());
        c.put("jti", UUID.randomUUID().toString());
        c.put("iat", now.getEpochSecond());
        c.put("exp", lease == null ? now.getEpochSecond() : lease.getEpochSecond());
        Map<String, Object> license = new LinkedHashMap<>();
        license.put("id", s.id());
        license.put("code", s.code());
        license.put("status", s.status());
        license.put("type", s.licenseType());
        license.put("test", s.test());
        license.put("issuedAt", s.issuedAt() == null ? null : s.issuedAt().toString());
        license.put("expiresAt", s.expiresAt() == null ? null : s.expiresAt().toString());
        license.put("leaseUntil", lease == null ? null : lease.toString());
        c.put("license", license);
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("vendor", s.vendor());
        product.put("id", s.productId());
        product.put("code", s.productCode());
        product.put("name", s.productName());
        product.put("edition", s.edition());
        c.put("product", product);
        Map<String, Object> licensee = new LinkedHashMap<>();
        licensee.put("name", s.licenseeName());
        licensee.put("email", s.licenseeEmail());
        c.put("licensee", licensee);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("fingerprint", s.fingerprint());
        machine.put("name", s.machineName());
        c.put("machine", machine);
        Map<String, Object> entitlements = new LinkedHashMap<>();
        entitlements.put("edition", s.edition());
        entitlements.put("quantity", s.quantity());
        entitlements.put("maxActivations", s.maxActivations());
        entitlements.put("seats", s.seats());
        c.put("entitlements", entitlements);
        return c;
    }

    String sign(Map<String, Object> claims) {
        try {
            return keys.compactJws(JSON.writeValueAsBytes(claims));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    public void setPerpetualLease(String isoDuration) {
        this.perpetualLease = Duration.parse(isoDuration);
    }
}
