package io.github.twocheckout.connector.licensing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomLicenseCodeGeneratorTest {

    private final RandomLicenseCodeGenerator generator = new RandomLicenseCodeGenerator();

    @Test
    void codesAreGroupedPrefixedAndFreeOfAmbiguousCharacters() {
        String code = generator.generate(new LicenseCodeGenerator.Request("v", "p", "", "o", 1, "ACME", false));
        assertTrue(code.matches("ACME-([23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{5}-){4}[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{5}"), code);
        String test = generator.generate(new LicenseCodeGenerator.Request("v", "p", "", "o", 1, "", true));
        assertTrue(test.startsWith("TEST-"), test);
    }

    @Test
    void carriesAtLeast100BitsAndDoesNotRepeat() {
        assertEquals(32, RandomLicenseCodeGenerator.ALPHABET.length());
        assertTrue(25 * (Math.log(32) / Math.log(2)) >= 100);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            assertTrue(seen.add(generator.generate(new LicenseCodeGenerator.Request("v", "p", "", "o", i, null, false))));
        }
    }
}
