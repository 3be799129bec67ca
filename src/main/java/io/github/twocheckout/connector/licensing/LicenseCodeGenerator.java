package io.github.twocheckout.connector.licensing;

/**
 * Makes License Activation Codes. Declared in routes/beans.camel.yaml, so a vendor can put its own
 * implementation there. A code must be unguessable and unique; uniqueness is also enforced by the
 * database, and a collision makes the issuing transaction fail and retry.
 */
public interface LicenseCodeGenerator {

    /** What the generator may take into account. {@code test} codes must be recognisable as such. */
    record Request(String vendorCode, String productName, String edition, String orderRef, int unitNo,
                   String prefix, boolean test) {
    }

    String generate(Request request);
}
