package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.api.TooManyAttemptsException;
import io.github.twocheckout.connector.protocol.SourceAddressCheck;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * Guessing codes through the licensing API is throttled, per minute: calls naming an unknown code from
 * one client address ({@code guessesPerAddress}), and calls naming any one code ({@code callsPerCode}),
 * whoever makes them. Past either, 429 with Retry-After until the minute is over. An application that
 * validates a few times an hour never meets either; a script trying codes meets the first within
 * seconds. Counts are kept in memory per instance, one minute at a time.
 *
 * <p>The client address is the TCP peer, or behind a reverse proxy the last address of
 * {@code clientIpHeader} (the one your proxy appended), as for the 2Checkout endpoints.
 */
public class LicensingThrottle {

    private int guessesPerAddress = 10;
    private int callsPerCode = 60;
    private String clientIpHeader = "";
    private final Map<String, AtomicInteger> guesses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile long minute = currentMinute();

    /** Before the lookup: sets variable clientAddress; 429 when this address or this code is over its count. */
    public void admit(Exchange exchange, @Variable("licenseRequest") LicenseActivations.Request request) {
        String address = clientAddress(exchange);
        exchange.setVariable("clientAddress", address);
        turnMinute();
        AtomicInteger wrong = guesses.get(address);
        if (wrong != null && wrong.get() >= guessesPerAddress) {
            throw new TooManyAttemptsException(secondsLeft());
        }
        if (calls.computeIfAbsent(request.code(), k -> new AtomicInteger()).incrementAndGet() > callsPerCode) {
            throw new TooManyAttemptsException(secondsLeft());
        }
    }

    /** A call that named an unknown code (the onException of the licensing routes). */
    public void unknownCode(@Variable("clientAddress") String address) {
        guesses.computeIfAbsent(String.valueOf(address), k -> new AtomicInteger()).incrementAndGet();
    }

    private void turnMinute() {
        long now = currentMinute();
        if (now != minute) {
            synchronized (this) {
                if (now != minute) {
                    guesses.clear();
                    calls.clear();
                    minute = now;
                }
            }
        }
    }

    private String clientAddress(Exchange exchange) {
        String forwarded = clientIpHeader == null || clientIpHeader.isBlank() ? null
                : exchange.getMessage().getHeader(clientIpHeader.trim(), String.class);
        Object remote = exchange.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress");
        return SourceAddressCheck.clientAddress(forwarded,
                remote instanceof io.vertx.core.net.SocketAddress sa ? sa.host() : String.valueOf(remote));
    }

    private static long currentMinute() {
        return System.currentTimeMillis() / 60_000;
    }

    private static long secondsLeft() {
        return 60 - (System.currentTimeMillis() / 1000) % 60;
    }

    public void setGuessesPerAddress(int guessesPerAddress) {
        this.guessesPerAddress = guessesPerAddress;
    }

    public void setCallsPerCode(int callsPerCode) {
        this.callsPerCode = callsPerCode;
    }

    public void setClientIpHeader(String clientIpHeader) {
        this.clientIpHeader = clientIpHeader;
    }
}
