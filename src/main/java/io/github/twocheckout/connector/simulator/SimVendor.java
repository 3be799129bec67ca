package io.github.twocheckout.connector.simulator;

/**
 * The vendor the simulator speaks for: the identifiers 2Checkout posts and the secrets it signs with.
 * The same values as the vendor's entry in the connector's config/connectors.yaml.
 */
public record SimVendor(String insVendorId, String merchantCode, String secretWord, String secretKey) {

    @Override
    public String toString() {
        return "SimVendor[" + merchantCode + "]"; // never the secrets
    }
}
