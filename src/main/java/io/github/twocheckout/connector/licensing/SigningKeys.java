package io.github.twocheckout.connector.licensing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Ed25519 key pairs that sign license documents, kept in table signing_key. The first start makes
 * one; {@link #rotate()} makes a new one that signs from then on, while every older public key stays
 * published ({@link #jwks()}) so that documents already handed out keep verifying.
 *
 * <p>The private key is stored encrypted (AES-256-GCM) when {@code licensing.key-encryption-key} is set
 * (from the environment, LICENSING_KEY_ENCRYPTION_KEY): a copy of the database alone then cannot sign.
 * A key stored in the clear is encrypted at the next start with the setting on; a wrong or missing
 * setting for an encrypted key stops the start with a message that names the setting, never the key.
 */
public class SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    /** The DER prefix of an X.509 Ed25519 public key; the raw 32-byte key follows it. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();
    private SecretKeySpec encryptionKey;
    private volatile Active active;

    /** The key that signs now; BouncyCastle's signer (JDK 17's takes about 0.5 ms a signature, BouncyCastle's 40 us). */
    private record Active(String kid, Ed25519PrivateKeyParameters privateKey) {
    }

    /** The DER prefix of a PKCS#8 Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
    private static final byte[] PKCS8_PREFIX = java.util.HexFormat.of().parseHex("302e020100300506032b657004220420");

    public SigningKeys(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Any text; a long random one (openssl rand -base64 32). Empty: private keys are stored in the clear. */
    public void setEncryptionKey(String secret) {
        this.encryptionKey = secret == null || secret.isBlank() ? null
                : new SecretKeySpec(sha256(secret.getBytes(StandardCharsets.UTF_8)), "AES");
    }

    /** At start: make the first key pair if there is none, encrypt a clear one when a key is set, load the signer. */
    public void start() {
        if (jdbc.queryForObject("SELECT count(*) FROM signing_key", Integer.class) == 0) {
            insertNew();
            LOG.info("license signing: made the first Ed25519 key pair (kid {})", activeKid());
        }
        if (encryptionKey != null) {
            for (Map<String, Object> row : jdbc.queryForList("SELECT kid, private_key FROM signing_key WHERE NOT encrypted")) {
                jdbc.update("UPDATE signing_key SET private_key = ?, encrypted = TRUE WHERE kid = ?",
                        encrypt((byte[]) row.get("private_key")), row.get("kid"));
                LOG.info("license signing: key {} is now stored encrypted", row.get("kid"));
            }
        }
        load();
    }

    /** A new key pair signs from now on; the previous ones are retired and stay published. Returns its kid. */
    public synchronized String rotate() {
        String kid = insertNew();
        jdbc.update("UPDATE signing_key SET retired_at = now() WHERE kid <> ? AND retired_at IS NULL", kid);
        load();
        LOG.info("license signing: rotated to key {}", kid);
        return kid;
    }

    public String activeKid() {
        Active a = active;
        return a != null ? a.kid() : jdbc.queryForObject(
                "SELECT kid FROM signing_key WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1", String.class);
    }

    /**
     * A JWS in compact form (RFC 7515) of the payload, signed with the key that signs now and naming it
     * in the header's kid: header and signature from the same key, even during a rotation.
     */
    public String compactJws(byte[] payload) {
        Active a = active;
        String header = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"" + a.kid() + "\"}";
        String input = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + B64URL.encodeToString(payload);
        return input + "." + B64URL.encodeToString(sign(a.privateKey(), input.getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] data) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(data, 0, data.length);
        return signer.generateSignature();
    }

    /** The private key of a PKCS#8 encoding (the JDK's, as stored). */
    static Ed25519PrivateKeyParameters privateKey(byte[] pkcs8) {
        if (pkcs8.length != PKCS8_PREFIX.length + 32 || !Arrays.equals(Arrays.copyOf(pkcs8, PKCS8_PREFIX.length), PKCS8_PREFIX)) {
            throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key");
        }
        return new Ed25519PrivateKeyParameters(pkcs8, PKCS8_PREFIX.length);
    }

    /** Every public key, newest first, as a JSON Web Key Set (RFC 8037: kty OKP, crv Ed25519). */
    public Map<String, Object> jwks() {
        List<Map<String, Object>> keys = jdbc.query("SELECT kid, public_key FROM signing_key ORDER BY created_at DESC",
                (rs, i) -> jwk(rs.getString("kid"), rs.getBytes("public_key")));
        return Map.of("keys", keys);
    }

    /** For the panel: kid, created, retired, whether it signs now, whether stored encrypted; never a private key. */
    public List<Map<String, Object>> list() {
        String signing = activeKid();
        return jdbc.query("SELECT kid, public_key, encrypted, created_at, retired_at FROM signing_key ORDER BY created_at DESC",
                (rs, i) -> {
                    Map<String, Object> k = new LinkedHashMap<>();
                    k.put("kid", rs.getString("kid"));
                    k.put("publicKey", B64URL.encodeToString(rs.getBytes("public_key")));
                    k.put("signing", rs.getString("kid").equals(signing));
                    k.put("encrypted", rs.getBoolean("encrypted"));
                    k.put("createdAt", rs.getTimestamp("created_at"));
                    k.put("retiredAt", rs.getTimestamp("retired_at"));
                    return k;
                });
    }

    static Map<String, Object> jwk(String kid, byte[] raw) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("kty", "OKP");
        k.put("crv", "Ed25519");
        k.put("x", B64URL.encodeToString(raw));
        k.put("kid", kid);
        k.put("use", "sig");
        k.put("alg", "EdDSA");
        return k;
    }

    /** RFC 7638: the SHA-256 of the required members in lexical order, base64url. */
    static String thumbprint(byte[] raw) {
        String canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + B64URL.encodeToString(raw) + "\"}";
        return B64URL.encodeToString(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    /** The raw 32 bytes of an Ed25519 public key from its X.509 encoding. */
    static byte[] raw(byte[] x509) {
        if (x509.length != X509_PREFIX.length + 32 || !Arrays.equals(Arrays.copyOf(x509, X509_PREFIX.length), X509_PREFIX)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
    }

    /** The X.509 encoding of a raw 32-byte Ed25519 public key, for KeyFactory. */
    public static byte[] x509(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + raw.length);
        }
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
        return der;
    }

    private String insertNew() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] raw = raw(pair.getPublic().getEncoded());
            String kid = thumbprint(raw);
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            jdbc.update("INSERT INTO signing_key (kid, public_key, private_key, encrypted, created_at) VALUES (?, ?, ?, ?, clock_timestamp())",
                    kid, raw, encryptionKey == null ? pkcs8 : encrypt(pkcs8), encryptionKey != null);
            return kid;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JVM", e);
        }
    }

    private void load() {
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT kid, private_key, encrypted FROM signing_key WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1");
        String kid = (String) row.get("kid");
        byte[] stored = (byte[]) row.get("private_key");
        byte[] pkcs8;
        if (Boolean.TRUE.equals(row.get("encrypted"))) {
            if (encryptionKey == null) {
                throw new IllegalStateException("license signing key " + kid
                        + " is stored encrypted: set licensing.key-encryption-key (LICENSING_KEY_ENCRYPTION_KEY) to the value it was encrypted with");
            }
            pkcs8 = decrypt(stored, kid);
        } else {
            pkcs8 = stored;
        }
        try {
            active = new Active(kid, privateKey(pkcs8));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("license signing key " + kid + " cannot be read: " + e.getMessage());
        }
    }

    private byte[] encrypt(byte[] plain) {
        try {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt the license signing key", e);
        }
    }

    private byte[] decrypt(byte[] sealed, String kid) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, sealed, 0, 12));
            return c.doFinal(sealed, 12, sealed.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("licensing.key-encryption-key does not decrypt license signing key " + kid
                    + ": it was encrypted with another value");
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
