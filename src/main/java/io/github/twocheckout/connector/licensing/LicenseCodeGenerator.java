package io.github.twocheckout.connector.licensing;

/**
 * Makes License Activation Codes for connectors whose code source is the built-in one. Declared in
 * routes/beans.camel.yaml, so a vendor can put its own implementation there. A code must be
 * unguessable and unique; uniqueness is also enforced by the database, and a collision makes the
 * issuing transaction fail and retry.
 */
public interface LicenseCodeGenerator {

    /**
     * The connector's code format: symbols drawn from the alphabet, a dash between groups (0: no
     * dashes). It always carries at least 100 bits ({@link #check}).
     */
    record Format(int length, int groupSize, String alphabet) {
        public static final Format DEFAULT = new Format(25, 5, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ");

        /** Bits of randomness in a code of this format. */
        public double bits() {
            return length * (Math.log(alphabet.chars().distinct().count()) / Math.log(2));
        }

        /** Fails, naming the problem, on a format that is too weak to be unguessable or cannot be read back. */
        public Format check() {
            if (alphabet == null || alphabet.chars().distinct().count() < 2 || alphabet.chars().distinct().count() != alphabet.length()) {
                throw new IllegalArgumentException("code alphabet must hold at least 2 different symbols, each once");
            }
            if (!alphabet.matches("[\\p{Alnum}]+")) {
                throw new IllegalArgumentException("code alphabet: letters and digits only (a dash separates groups)");
            }
            if (groupSize < 0 || length > 200) {
                throw new IllegalArgumentException("code length at most 200 and group size 0 or more");
            }
            if (bits() < 100) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "a code of %d symbols from %d gives %.0f bits; at least 100 are needed (a longer code, or a larger alphabet)",
                        length, alphabet.length(), bits()));
            }
            return this;
        }
    }

    /** What the generator may take into account. {@code test} codes must be recognisable as such. */
    record Request(String vendorCode, String productName, String edition, String orderRef, int unitNo,
                   String prefix, boolean test, Format format) {

        public Request(String vendorCode, String productName, String edition, String orderRef, int unitNo, String prefix, boolean test) {
            this(vendorCode, productName, edition, orderRef, unitNo, prefix, test, Format.DEFAULT);
        }
    }

    String generate(Request request);
}
