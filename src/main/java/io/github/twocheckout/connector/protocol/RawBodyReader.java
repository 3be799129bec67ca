package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import io.github.twocheckout.connector.model.PayloadTooLargeException;
import io.github.twocheckout.connector.model.RequestTimeoutException;
import io.github.twocheckout.connector.model.UnsupportedContentTypeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Reads the raw request body of a platform-http consumer declared with {@code useBodyHandler=false}.
 * The signature of every 2Checkout channel is computed over the exact posted bytes, which Camel's
 * default form handling throws away. The body becomes the wire string; variables {@code rawBody},
 * {@code remoteAddress} and {@code contentType} keep what later steps and the error handlers need,
 * because request headers are removed right after this step.
 */
public class RawBodyReader implements Processor {

    private long maxBytes = 64 * 1024;
    private long timeoutMillis = 5_000;

    @Override
    public void process(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof HttpServerRequest request)) {
            // Not an HTTP call (a replay or a direct test): the body already is the raw text.
            String raw = exchange.getMessage().getBody(String.class);
            exchange.setVariable("rawBody", raw);
            return;
        }
        String contentType = request.getHeader("Content-Type");
        exchange.setVariable("contentType", contentType);
        exchange.setVariable("remoteAddress", request.remoteAddress() == null ? null : request.remoteAddress().host());
        exchange.setVariable("rawBody", "");
        exchange.getMessage().setBody("");

        Buffer bytes;
        IntakeBodyCollector.Collected early = IntakeBodyCollector.take(request);
        if (early instanceof IntakeBodyCollector.TimedOut timedOut) {
            throw new RequestTimeoutException(timedOut.millis());
        } else if (early instanceof IntakeBodyCollector.TooLarge) {
            throw new PayloadTooLargeException(maxBytes);
        } else if (early instanceof IntakeBodyCollector.Body collected) {
            bytes = collected.bytes();
        } else {
            bytes = readHere(request);
        }

        String raw = bytes.toString(StandardCharsets.UTF_8).replace('\0', '\uFFFD');
        exchange.getMessage().setBody(raw);
        exchange.setVariable("rawBody", raw);

        if (contentType != null && !isForm(contentType)) {
            throw new UnsupportedContentTypeException(contentType);
        }
        if (!isStrictUtf8(bytes.getBytes())) {
            throw new MalformedNotificationException("the body is not valid UTF-8");
        }
    }

    /**
     * application/x-www-form-urlencoded exactly, with parameters (charset) or none: not a type that merely
     * starts with it.
     */
    static boolean isForm(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("application/x-www-form-urlencoded");
    }

    /**
     * The body read on this (worker) thread, for a request that did not pass the {@link IntakeBodyCollector}
     * (one that came in before it was installed): bounded by the same size and time limits.
     */
    private Buffer readHere(HttpServerRequest request) throws Exception {
        String declaredLength = request.getHeader("Content-Length");
        if (declaredLength != null && IntakeBodyCollector.parseLength(declaredLength) > maxBytes) {
            request.resume();
            throw new PayloadTooLargeException(maxBytes);
        }
        Buffer collected = Buffer.buffer();
        AtomicBoolean tooLarge = new AtomicBoolean();
        CompletableFuture<Buffer> done = new CompletableFuture<>();
        request.handler(chunk -> {
            if (tooLarge.get() || collected.length() + chunk.length() > maxBytes) {
                tooLarge.set(true); // keep draining the connection, but stop keeping bytes
            } else {
                collected.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::completeExceptionally);
        request.endHandler(v -> done.complete(collected));
        request.resume();
        Buffer bytes;
        try {
            bytes = done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RequestTimeoutException(timeoutMillis);
        }
        if (tooLarge.get()) {
            throw new PayloadTooLargeException(maxBytes);
        }
        return bytes;
    }

    private static boolean isStrictUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    public void setMaxBytes(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }
}
