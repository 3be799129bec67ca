package io.github.twocheckout.connector.protocol;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Drops the body of a call that is answered without reading it (a probe, a wrong method) on a route
 * declared with {@code useBodyHandler=false}: the request is left paused there, and its bytes must be
 * consumed for the connection to carry the next call.
 */
public class RequestBodyDiscarder implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof HttpServerRequest request) {
            exchange.setVariable("remoteAddress", request.remoteAddress() == null ? null : request.remoteAddress().host());
            exchange.setVariable("contentType", request.getHeader("Content-Type"));
            if (!request.isEnded()) {
                request.handler(chunk -> { });
                request.resume();
            }
            exchange.getMessage().setBody("");
        }
    }
}
