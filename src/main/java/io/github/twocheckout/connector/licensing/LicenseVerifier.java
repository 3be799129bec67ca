package io.github.twocheckout.connector.licensing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference check of a license document, as a vendor's application does it offline, with the
 * JDK's own Ed25519 and no other library: the signature with the published public key of the
 * document's kid, {@code alg} EdDSA, the audience ("live" unless test licenses are allowed) and the
 * lease ({@code exp}). {@code java -jar ... verify-license FILE --public-key KEY} runs it.
 */
public final class LicenseVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome: valid, or why not; the claims when the signature holds (to show what was signed). */
    public record Result(boolean valid, String reason, Map<String, Object> claims) {
    }

    private final Map<String, byte[]> publicKeys;

    /** Public keys by kid: raw 32-byte Ed25519 keys. */
    public LicenseVerifier(Map<String, byte[]> publicKeys) {
        this.publicKeys = publicKeys;
    }

    /**
     * Reads a key set: a JWKS document ({"keys": [...]}, as served at /.well-known/jwks.json), one JWK,
     * or one key as base64/base64url of its raw 32 bytes (that key then verifies any kid).
     */
    public static LicenseVerifier ofKeys(String text) {
        String t = text.trim();
        Map<String, byte[]> keys = new java.util.LinkedHashMap<>();
        if (t.startsWith("{")) {
            Map<String, Object> doc = parse(t.getBytes(StandardCharsets.UTF_8));
            Object list = doc.containsKey("keys") ? doc.get("keys") : List.of(doc);
            for (Object o : (List<?>) list) {
                Map<?, ?> k = (Map<?, ?>) o;
                if ("OKP".equals(k.get("kty")) && "Ed25519".equals(k.get("crv"))) {
                    keys.put(String.valueOf(k.get("kid")), Base64.getUrlDecoder().decode(String.valueOf(k.get("x"))));
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("the key set holds no Ed25519 key");
            }
        } else {
            byte[] raw = t.contains("-") || t.contains("_") ? Base64.getUrlDecoder().decode(t) : Base64.getDecoder().decode(t);
            keys.put("*", raw);
        }
        return new LicenseVerifier(keys);
    }

    public Result verify(String document, boolean allowTest, Instant now) {
        String[] parts = document.trim().split("\\.", -1);
        if (parts.length != 3) {
            return new Result(false, "not a JWS in compact form (three base64url parts)", null);
        }
        Map<String, Object> header;
        Map<String, Object> claims;
        byte[] signature;
        try {
            header = parse(Base64.getUrlDecoder().decode(parts[0]));
            claims = parse(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return new Result(false, "not a JWS in compact form: " + e.getMessage(), null);
        }
        if (!"EdDSA".equals(header.get("alg"))) {
            return new Result(false, "alg is " + header.get("alg") + ", not EdDSA", null);
        }
        byte[] raw = Optional.ofNullable(publicKeys.get(String.valueOf(header.get("kid")))).orElse(publicKeys.get("*"));
        if (raw == null) {
            return new Result(false, "no public key with kid " + header.get("kid") + " (fetch the current /.well-known/jwks.json)", null);
        }
        if (!signatureHolds(parts[0] + "." + parts[1], signature, raw)) {
            return new Result(false, "the signature does not verify: the document was changed, or signed by another key", null);
        }
        if (!"live".equals(claims.get("aud")) && !(allowTest && "test".equals(claims.get("aud")))) {
            return new Result(false, "audience is " + claims.get("aud") + ": a test license does not verify as live", claims);
        }
        Object exp = claims.get("exp");
        if (!(exp instanceof Number n) || now.getEpochSecond() >= n.longValue()) {
            return new Result(false, "no lease: it ended " + (exp instanceof Number n2 ? Instant.ofEpochSecond(n2.longValue()) : "(none)")
                    + "; validate online", claims);
        }
        return new Result(true, "valid until " + Instant.ofEpochSecond(((Number) exp).longValue()), claims);
    }

    /** The Ed25519 signature of a JWS signing input (header.payload, base64url) with a raw 32-byte public key. */
    static boolean signatureHolds(String signingInput, byte[] signature, byte[] rawPublicKey) {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(SigningKeys.x509(rawPublicKey)));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, Object> parse(byte[] json) {
        try {
            return JSON.readValue(json, new TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
    }
}
