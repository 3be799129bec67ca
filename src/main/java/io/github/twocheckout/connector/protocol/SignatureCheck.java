package io.github.twocheckout.connector.protocol;

/**
 * Which vendor, algorithm and key generation verified a signed call: what the read receipt is built
 * with. Holds no secret; the key is looked up again when the receipt is signed. The algorithm is null
 * for an unsigned key-generator call that the vendor accepts from allow-listed addresses.
 */
public record SignatureCheck(long vendorId, String vendorCode, HmacAlgorithm algorithm, boolean previousKey,
                             java.util.List<String> weakerPresent) {
}
