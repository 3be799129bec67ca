package io.github.twocheckout.connector.storage;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much of the raw bodies of rejected calls one address may have stored per minute. Rejected calls
 * are kept so that a vendor can see why 2Checkout's call failed; anyone can send them, though, and the
 * bodies of a flood would fill the database. Past the budget, a body is kept as its first bytes only.
 */
public class RejectedBodyBudget {

    static final int KEPT_PAST_BUDGET = 256;

    private final Map<String, long[]> spent = new ConcurrentHashMap<>();
    private long bytesPerMinute = 256 * 1024;

    /** The body as it may be stored for a rejected call from this address, now. */
    public String keep(String address, String raw) {
        if (raw == null || raw.isEmpty()) {
            return raw == null ? "" : raw;
        }
        int size = raw.getBytes(StandardCharsets.UTF_8).length;
        long minute = System.currentTimeMillis() / 60_000;
        if (spent.size() > 10_000) {
            spent.values().removeIf(s -> s[0] != minute); // old minutes of addresses gone quiet
        }
        long[] s = spent.computeIfAbsent(address == null ? "?" : address, k -> new long[2]);
        synchronized (s) {
            if (s[0] != minute) {
                s[0] = minute;
                s[1] = 0;
            }
            if (s[1] + size <= bytesPerMinute) {
                s[1] += size;
                return raw;
            }
        }
        String head = raw.length() > KEPT_PAST_BUDGET ? raw.substring(0, KEPT_PAST_BUDGET) : raw;
        return head + "\n[" + size + " bytes in all; the rest not kept: this address sent more than " + bytesPerMinute
                + " bytes of rejected calls in a minute]";
    }

    public void setBytesPerMinute(long bytesPerMinute) {
        this.bytesPerMinute = bytesPerMinute;
    }
}
