package io.github.twocheckout.connector.simulator;

import java.util.List;

/**
 * What came back for one call: the HTTP status (0 when there was no answer), the body, how long it
 * took, the codes of a key-generator answer, and, when something is wrong, a one-line cause a vendor
 * can act on ({@code problem}, with a short {@code kind} for counting).
 */
public record CallResult(SimCall call, int status, String body, long nanos, List<String> codes, String kind, String problem) {

    public boolean ok() {
        return problem == null;
    }

    public double millis() {
        return nanos / 1_000_000.0;
    }
}
