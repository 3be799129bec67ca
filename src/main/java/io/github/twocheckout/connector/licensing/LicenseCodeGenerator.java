package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.model.CodeFormat;

/**
 * Makes License Activation Codes for connectors whose code source is the built-in one. Declared in
 * routes/beans.camel.yaml, so a vendor can put its own implementation there. A code must be
 * unguessable and unique; uniqueness is also enforced by the database, and a collision makes the
 * issuing transaction fail and retry.
 */
public interface LicenseCodeGenerator {

    /** What the generator may take into account. {@code test} codes must be recognisable as such. */
    record Request(String vendorCode, String productName, String edition, String orderRef, int unitNo,
                   String prefix, boolean test, CodeFormat format) {

        public Request(String vendorCode, String productName, String edition, String orderRef, int unitNo, String prefix, boolean test) {
            this(vendorCode, productName, edition, orderRef, unitNo, prefix, test, CodeFormat.DEFAULT);
        }
    }

    String generate(Request request);
}
