package io.github.twocheckout.connector.model;

/**
 * The connector's code format: symbols drawn from the alphabet, a dash between groups (0: no
 * dashes). It always carries at least 100 bits ({@link #check}).
 */
public record CodeFormat(int length, int groupSize, String alphabet) {
    public static final CodeFormat DEFAULT = new CodeFormat(25, 5, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ");

    /** Bits of randomness in a code of this format. */
    public double bits() {
        return length * (Math.log(alphabet.chars().distinct().count()) / Math.log(2));
    }

    /** Fails, naming the problem, on a format that is too weak to be unguessable or cannot be read back. */
    public CodeFormat check() {
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
