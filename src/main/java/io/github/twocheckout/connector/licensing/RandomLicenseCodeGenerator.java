package io.github.twocheckout.connector.licensing;

import java.security.SecureRandom;
import io.github.twocheckout.connector.model.CodeFormat;

/**
 * Symbols drawn with SecureRandom from the connector's format (default: 25 from a 32-symbol alphabet
 * without 0/O and 1/I, 125 bits, in groups of five): {@code PREFIX-7KQ2M-XW9TB-...}. Test codes start
 * with {@code TEST-}.
 */
public class RandomLicenseCodeGenerator implements LicenseCodeGenerator {

    static final String ALPHABET = CodeFormat.DEFAULT.alphabet();

    private final SecureRandom random = new SecureRandom();

    @Override
    public String generate(Request request) {
        CodeFormat format = request.format() == null ? CodeFormat.DEFAULT : request.format();
        StringBuilder code = new StringBuilder();
        if (request.test()) {
            code.append("TEST-");
        }
        if (request.prefix() != null && !request.prefix().isBlank()) {
            code.append(request.prefix().trim()).append('-');
        }
        String alphabet = format.alphabet();
        for (int i = 0; i < format.length(); i++) {
            if (i > 0 && format.groupSize() > 0 && i % format.groupSize() == 0) {
                code.append('-');
            }
            code.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return code.toString();
    }
}
