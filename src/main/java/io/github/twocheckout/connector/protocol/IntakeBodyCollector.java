package io.github.twocheckout.connector.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * Reads the body of a call to the 2Checkout endpoints on the Vert.x event loop, before the route runs.
 * A route runs on one of a small pool of worker threads; a caller that sends its headers and then the
 * body byte by byte would hold a worker for as long as it likes, and a few dozen such callers would
 * stall intake for everyone. Here a slow body costs a timer and a buffer: after {@code timeoutMillis}
 * the route is let in with the call marked as timed out (408, recorded) and the connection is closed.
 *
 * <p>HTTP/1.x only: an HTTP/2 body is read by the route (see {@link RawBodyReader}), as before.
 *
 * <p>Paths are matched exactly: {@code /2co/ins/} or {@code /2co//ins} is not 2Checkout's URL, and gets 404.
 * The collected body is handed to {@link RawBodyReader} by request.
 */
public class IntakeBodyCollector extends LifecycleStrategySupport {

    /** What the route finds for its request: the body, or that it did not arrive in time. */
    sealed interface Collected permits Body, TimedOut, TooLarge { }

    record Body(Buffer bytes) implements Collected { }

    record TimedOut(long millis) implements Collected { }

    record TooLarge() implements Collected { }

    private static final Map<HttpServerRequest, Collected> COLLECTED = new ConcurrentHashMap<>();
    private static final Set<String> PATHS = Set.of("/2co/ins", "/2co/ipn", "/2co/lcn", "/2co/keygen");

    private long timeoutMillis = 5000;
    private io.github.twocheckout.connector.processing.IntakePriority intakePriority;
    private long maxBytes = 64 * 1024;

    @Override
    public void onContextStarted(CamelContext context) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (!router.isManagementServer()) {
                // Before any route of the platform-http consumers, whenever they were added.
                router.route("/2co/*").order(Integer.MIN_VALUE).handler(this::handle);
                org.slf4j.LoggerFactory.getLogger(IntakeBodyCollector.class).debug("2Checkout endpoints' bodies read on the event loop ({})",
                        router.getName());
            }
        }
    }

    /** What was collected for this request (taken once); null when it did not pass here. */
    static Collected take(HttpServerRequest request) {
        return COLLECTED.remove(request);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!PATHS.contains(request.path())) {
            ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=UTF-8")
                    .end("no such endpoint: 2Checkout's URLs are /2co/ins, /2co/ipn, /2co/lcn and /2co/keygen");
            return;
        }
        if (request.method() == HttpMethod.POST && intakePriority != null) {
            // A call in flight from now until it is answered: processing yields to intake meanwhile.
            intakePriority.callBegan();
            ctx.addEndHandler(done -> intakePriority.callEnded());
        }
        if (request.method() != HttpMethod.POST || request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
            // HTTP/2 (h2c, which 2Checkout does not use): the consumer pauses the request, which HTTP/2 refuses
            // once it has ended, so such a body is read by the route, within the same time limit.
            ctx.next();
            return;
        }
        ctx.addEndHandler(done -> COLLECTED.remove(request));
        String declared = request.getHeader("Content-Length");
        if (declared != null && parseLength(declared) > maxBytes) {
            COLLECTED.put(request, new TooLarge());
            closeAfterAnswer(ctx);
            ctx.next();
            return;
        }
        Buffer bytes = Buffer.buffer();
        boolean[] over = {false};
        boolean[] finished = {false};
        long timer = ctx.vertx().setTimer(timeoutMillis, id -> {
            if (!finished[0]) {
                finished[0] = true;
                COLLECTED.put(request, new TimedOut(timeoutMillis));
                request.pause();
                closeAfterAnswer(ctx);
                ctx.next();
            }
        });
        request.handler(chunk -> {
            if (over[0] || bytes.length() + chunk.length() > maxBytes) {
                over[0] = true; // keep draining, stop keeping
            } else {
                bytes.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> finish(ctx, timer, finished, null));
        request.endHandler(v -> finish(ctx, timer, finished, over[0] ? new TooLarge() : new Body(bytes)));
        request.resume();
    }

    /** The rest of the body will not be read: the connection cannot carry another call, and is closed once answered. */
    private static void closeAfterAnswer(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        ctx.response().putHeader("Connection", "close");
        ctx.addEndHandler(done -> request.connection().close());
    }

    private void finish(RoutingContext ctx, long timer, boolean[] finished, Collected collected) {
        if (finished[0]) {
            return;
        }
        finished[0] = true;
        ctx.vertx().cancelTimer(timer);
        if (collected == null) {
            ctx.response().setStatusCode(400).end(); // the connection broke mid-body: nobody is there to answer
            return;
        }
        COLLECTED.put(ctx.request(), collected);
        ctx.next();
    }

    /** A Content-Length value; -1 when it is not a number. */
    static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public void setMaxBytes(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void setIntakePriority(io.github.twocheckout.connector.processing.IntakePriority intakePriority) {
        this.intakePriority = intakePriority;
    }
}
