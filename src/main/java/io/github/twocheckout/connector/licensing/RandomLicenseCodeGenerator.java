package io.github.twocheckout.connector.licensing;

import java.security.SecureRandom;

/**
 * 25 symbols from a 32-symbol alphabet without 0/O and 1/I (125 bits from SecureRandom), in groups
 * of five: {@code PREFIX-7KQ2M-XW9TB-...}. Test codes start with {@code TEST-}.
 */
public class RandomLicenseCodeGenerator implements LicenseCodeGenerator {

    static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final int GROUPS = 5;
    private static final int GROUP_SIZE = 5;

    private final SecureRandom random = new SecureRandom();

    @Override
    public String generate(Request request) {
        StringBuilder code = new StringBuilder();
        if (request.test()) {
            code.append("TEST-");
        }
        if (request.prefix() != null && !request.prefix().isBlank()) {
            code.append(request.prefix().trim()).append('-');
        }
        for (int g = 0; g < GROUPS; g++) {
            if (g > 0) {
                code.append('-');
            }
            for (int i = 0; i < GROUP_SIZE; i++) {
                code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return code.toString();
    }
}
