package io.github.twocheckout.connector.licensing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar ... verify-license FILE --public-key KEY}: checks a license document offline, the
 * way a vendor's application does ({@link LicenseVerifier}). Exit code 0 when it is valid, 1 when not,
 * 2 for a usage error.
 */
@Command(name = "verify-license", mixinStandardHelpOptions = true,
        description = "Verify a license document (the 'license' of an activate or validate answer) offline.")
public final class VerifyLicenseCli implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The document: a file holding the JWS, or - for standard input")
    String file;

    @Option(names = "--public-key", required = true, paramLabel = "KEY",
            description = "A JWKS file (as served at /.well-known/jwks.json), its URL, or one key as base64 of its 32 bytes")
    String publicKey;

    @Option(names = "--allow-test", description = "Accept a test order's license (audience 'test') as well")
    boolean allowTest;

    public static void main(String[] args) {
        System.exit(new CommandLine(new VerifyLicenseCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String document = file.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                : Files.readString(Path.of(file));
        LicenseVerifier.Result r = LicenseVerifier.ofKeys(keys(publicKey)).verify(document, allowTest, Instant.now());
        if (r.claims() != null) {
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(r.claims()));
        }
        System.out.println((r.valid() ? "VALID: " : "NOT VALID: ") + r.reason());
        return r.valid() ? 0 : 1;
    }

    private static String keys(String key) throws Exception {
        if (key.startsWith("http://") || key.startsWith("https://")) {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(key)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException(key + " answered " + response.statusCode());
            }
            return response.body();
        }
        Path path = Path.of(key);
        return Files.isRegularFile(path) ? Files.readString(path) : key;
    }
}
