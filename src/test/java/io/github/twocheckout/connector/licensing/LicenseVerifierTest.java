package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte-level parts of license documents against RFC 8037's published Ed25519 examples (appendix
 * A): the JWK thumbprint that is our kid, the raw key inside its X.509 encoding, and the JWS of A.4;
 * and the reference verifier's verdicts on documents signed here, through the verify-license command.
 */
class LicenseVerifierTest {

    /** RFC 8037 A.1/A.2: the example key pair (d private, x public), base64url. */
    private static final String D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    private static final String X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    /** RFC 8037 A.4: the JWS of "Example of Ed25519 signing" with header {"alg":"EdDSA"}. */
    private static final String A4 = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
            + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    @TempDir
    Path dir;

    @Test
    void theThumbprintIsRfc8037s() {
        // RFC 8037 A.3
        assertThat(SigningKeys.thumbprint(Base64.getUrlDecoder().decode(X))).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    @Test
    void theRfcSignatureVerifiesAndOneChangedByteDoesNot() throws Exception {
        String[] p = A4.split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        byte[] x = Base64.getUrlDecoder().decode(X);
        assertThat(LicenseVerifier.signatureHolds(p[0] + "." + p[1], sig, x)).isTrue();
        assertThat(LicenseVerifier.signatureHolds(p[0] + "." + p[1] + "A", sig, x)).isFalse();
        sig[10] ^= 1;
        assertThat(LicenseVerifier.signatureHolds(p[0] + "." + p[1], sig, x)).isFalse();
        // Ed25519 is deterministic: the example key signs the example to the same bytes, with the signer the
        // connector uses and with the JDK's.
        byte[] pkcs8 = HexFormat.of().parseHex("302e020100300506032b657004220420" + HexFormat.of().formatHex(Base64.getUrlDecoder().decode(D)));
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(SigningKeys.sign(SigningKeys.privateKey(pkcs8),
                (p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII)))).isEqualTo(p[2]);
        assertThat(sign("{\"alg\":\"EdDSA\"}", "Example of Ed25519 signing")).isEqualTo(A4);
        // The raw key survives the X.509 encoding both ways.
        assertThat(SigningKeys.raw(SigningKeys.x509(x))).isEqualTo(x);
    }

    @Test
    void theVerifierChecksAlgorithmAudienceAndLease() throws Exception {
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        String live = sign("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", "{\"aud\":\"live\",\"exp\":" + (now.getEpochSecond() + 60) + "}");
        String test = sign("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", "{\"aud\":\"test\",\"exp\":" + (now.getEpochSecond() + 60) + "}");
        String over = sign("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", "{\"aud\":\"live\",\"exp\":" + now.getEpochSecond() + "}");
        String none = sign("{\"alg\":\"none\",\"kid\":\"k1\"}", "{\"aud\":\"live\",\"exp\":" + (now.getEpochSecond() + 60) + "}");
        String jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\",\"x\":\"" + X + "\"}]}";
        LicenseVerifier v = LicenseVerifier.ofKeys(jwks);
        assertThat(v.verify(live, false, now).valid()).isTrue();
        assertThat(v.verify(test, false, now).reason()).contains("test license");
        assertThat(v.verify(test, true, now).valid()).isTrue();
        assertThat(v.verify(over, false, now).reason()).contains("no lease");
        assertThat(v.verify(none, false, now).reason()).contains("not EdDSA");
        assertThat(LicenseVerifier.ofKeys(X).verify(live, false, now).valid()).as("one raw key").isTrue();
        assertThat(LicenseVerifier.ofKeys(jwks.replace("\"k1\"", "\"k2\"")).verify(live, false, now).reason()).contains("kid k1");
    }

    @Test
    void theCommandExitsZeroOnlyForAValidDocument() throws Exception {
        long exp = Instant.now().getEpochSecond() + 3600;
        Path doc = Files.writeString(dir.resolve("license.jws"), sign("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}",
                "{\"aud\":\"live\",\"sub\":\"ACME-1\",\"exp\":" + exp + "}"));
        Path keys = Files.writeString(dir.resolve("jwks.json"),
                "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\",\"x\":\"" + X + "\"}]}");
        assertThat(run(doc.toString(), "--public-key", keys.toString())).isZero();
        String text = Files.readString(doc);
        Path changed = Files.writeString(dir.resolve("changed.jws"), text.substring(0, 20) + (text.charAt(20) == 'A' ? 'B' : 'A')
                + text.substring(21));
        assertThat(run(changed.toString(), "--public-key", keys.toString())).isEqualTo(1);
        assertThat(run(doc.toString())).as("no key given").isEqualTo(2);
    }

    private static int run(String... args) {
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return new picocli.CommandLine(new VerifyLicenseCli()).execute(args);
        } finally {
            System.setOut(saved);
        }
    }

    /** A JWS signed with RFC 8037's example private key. */
    private static String sign(String header, String payload) throws Exception {
        byte[] d = Base64.getUrlDecoder().decode(D);
        // PKCS#8 of an Ed25519 private key: a fixed 16-byte prefix, then the 32-byte seed.
        byte[] pkcs8 = HexFormat.of().parseHex("302e020100300506032b657004220420" + HexFormat.of().formatHex(d));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(s.sign());
    }
}
