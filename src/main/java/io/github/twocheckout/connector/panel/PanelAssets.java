package io.github.twocheckout.connector.panel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The panel's web UI: static files (HTML, JavaScript, CSS) packed under panel/ in the JAR, served by
 * the connector itself. Only known file types, no directory walking; the page itself needs no login
 * (it asks for one), every API call it makes does.
 */
public class PanelAssets {

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=UTF-8", "js",
            "text/javascript; charset=UTF-8", "css", "text/css; charset=UTF-8", "svg", "image/svg+xml", "yaml",
            "application/yaml; charset=UTF-8", "ico", "image/x-icon");

    /** A text file of the panel (the OpenAPI document). */
    public String text(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("panel/" + name)) {
            if (in == null) {
                throw new IOException("panel/" + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public void serve(Exchange exchange) throws IOException {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String name = path == null ? "" : path.replaceFirst("^/+", "").replaceFirst("^panel/?", "");
        if (name.isEmpty()) {
            name = "index.html";
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        InputStream in = type == null || !name.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z]+") ? null
                : getClass().getClassLoader().getResourceAsStream("panel/" + name);
        exchange.getMessage().removeHeaders("*");
        if (in == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
            exchange.getMessage().setBody("not found");
            return;
        }
        try (in) {
            exchange.getMessage().setBody(in.readAllBytes());
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, type);
    }
}
