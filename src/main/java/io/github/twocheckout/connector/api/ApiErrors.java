package io.github.twocheckout.connector.api;

import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON body of an API error: {"error": what went wrong}. The messages are the API's own sentences
 * (never a secret, never a stack trace); an unexpected failure says only "internal error" and is logged.
 */
public class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    public String body(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message;
        if (e instanceof ApiUnauthorizedException || e instanceof ApiForbiddenException || e instanceof ApiNotFoundException
                || e instanceof ApiConflictException || e instanceof TooManyAttemptsException || e instanceof IllegalArgumentException) {
            message = e.getMessage();
        } else {
            LOG.error("API request failed", e);
            message = "internal error";
        }
        if (e instanceof TooManyAttemptsException t) {
            exchange.getMessage().setHeader("Retry-After", t.getRetryAfterSeconds());
        }
        return Json.toJson(Map.of("error", message == null ? "error" : message));
    }
}
