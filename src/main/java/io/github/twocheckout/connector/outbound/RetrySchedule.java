package io.github.twocheckout.connector.outbound;

/**
 * When an outbox tries again: after the first delay, doubling at each failed attempt up to the
 * largest; after maxAttempts failures the row is dead-lettered (0: never).
 */
public record RetrySchedule(long firstDelaySeconds, long maxDelaySeconds, int maxAttempts) {

    /** The delay before the next attempt, after {@code attempts} attempts that failed. */
    public long delayAfter(int attempts) {
        return Math.min(maxDelaySeconds, firstDelaySeconds << Math.min(20, Math.max(0, attempts - 1)));
    }

    /** True when {@code attempts} failed attempts are all this row gets. */
    public boolean exhausted(int attempts) {
        return maxAttempts > 0 && attempts >= maxAttempts;
    }

    public static String describe(Throwable e) {
        String error = e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return error.length() > 1000 ? error.substring(0, 1000) : error;
    }
}
