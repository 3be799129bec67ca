package io.github.twocheckout.connector.panel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The panel's web UI: static files (HTML, JavaScript, CSS) packed under panel/ in the JAR, served by
 * the connector itself. Only known file types, no directory walking; the page itself needs no login
 * (it asks for one), every API call it makes does. The chart library (uPlot) comes from its WebJar in
 * the JAR, under lib/: the panel loads nothing from elsewhere (its Content-Security-Policy says so).
 */
public class PanelAssets {

    /** The WebJar's folder: its version is the pom's org.webjars.npm:uplot. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Map<String, String> LIBRARIES = Map.of("lib/uplot.js", UPLOT + "uPlot.iife.min.js",
            "lib/uplot.css", UPLOT + "uPlot.min.css");

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
        String resource = LIBRARIES.getOrDefault(name, "panel/" + name);
        InputStream in = type == null || !name.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z]+") ? null
                : getClass().getClassLoader().getResourceAsStream(resource);
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
