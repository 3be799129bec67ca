package io.github.twocheckout.connector.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** INS md5_hash against the vectors of ../shared/docs/2checkout-vectors.md, section V1. */
class InsSignatureTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "V1a 2checkout-php, 4774380224, 1817037, 4774380233, tango, 566C45D68B75357AD43F9010CFFE8CF5",
        "V1b 2checkout-java, 4819138002, 1817037, 4343434343, tango, A152B3D993B4F97E2E2A41552A4769A8",
        "V1c omnipay (configured account), 9093727242912, 901290261, 9093727242921, MzBjODg5YTUtNzcwMS00N2NlLWFkODMtNzQ2YzllZWRjMzBj, F6F69F6039DBF8CC26A5388157685931",
        "V1d synthetic, 250000000001, 901234567, 250000000007, s3cr3tWord, C0BACABFF6AF05D0B07E6A13BEF8F1AF",
    })
    void publishedVectorsValidate(String id, String saleId, String vendorId, String invoiceId, String secret, String expected) {
        assertEquals(expected, InsSignature.compute(saleId, vendorId, invoiceId, secret));
        assertTrue(InsSignature.hexEquals(InsSignature.compute(saleId, vendorId, invoiceId, secret), expected.toLowerCase()));
    }

    @Test
    void v1cWithThePostedVendorIdDoesNotMatchThePublishedHash() {
        String computed = InsSignature.compute("9093727242912", "532001", "9093727242921",
                "MzBjODg5YTUtNzcwMS00N2NlLWFkODMtNzQ2YzllZWRjMzBj");
        assertEquals("D2681D74654EDD1CA32DD193B1B96276", computed);
        assertFalse(InsSignature.hexEquals(computed, "F6F69F6039DBF8CC26A5388157685931"));
    }

    @Test
    void v1eStubProducedByALibraryBugFailsWithTheDocumentedFormula() {
        String documented = InsSignature.compute("250625321314", "10070", "250625321314", "somethingRandom");
        assertEquals("D64C68B0DB065E3AD0F240A3E6BE7A67", documented);
        assertFalse(InsSignature.hexEquals(documented, "C59BB381DE6A68F06553FAEC90B42C64"));
        // the bug: an empty invoice id reproduces the stub
        assertEquals("C59BB381DE6A68F06553FAEC90B42C64", InsSignature.compute("250625321314", "10070", "", "somethingRandom"));
    }

    @Test
    void comparisonIsCaseInsensitiveAndRejectsNullOrDifferentLength() {
        assertTrue(InsSignature.hexEquals("ABCDEF", "abcdef"));
        assertFalse(InsSignature.hexEquals("ABCDEF", "ABCDE"));
        assertFalse(InsSignature.hexEquals("ABCDEF", null));
    }
}
