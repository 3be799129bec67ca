package io.github.twocheckout.connector.panel;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The HTTP header filter of the platform-http component, but letting Cache-Control through: the panel
 * and the API answer "Cache-Control: no-store" so that no browser or proxy keeps licenses or logs.
 */
public class ResponseHeaderFilter extends HttpHeaderFilterStrategy {

    @Override
    protected void initialize() {
        super.initialize();
        getOutFilter().remove("cache-control");
    }
}
