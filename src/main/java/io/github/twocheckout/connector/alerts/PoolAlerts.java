package io.github.twocheckout.connector.alerts;

import java.util.List;
import java.util.Map;
import org.apache.camel.Body;

/**
 * The alert when a connector's code pool runs low (below its lowStock): once per loading, to the
 * vendor's contact and support. Loading more codes starts a new episode.
 */
public class PoolAlerts {

    private String supportAddress = "";

    public AlertMail lowStock(@Body Map<String, Object> pool) {
        return new AlertMail("pool-low", "pool-low:" + pool.get("connector_id") + ":" + pool.get("loaded"),
                AlertMail.recipients(pool.get("contact_email"), supportAddress), (String) pool.get("vendor_code"),
                (String) pool.get("vendor_name"), "the code pool of " + pool.get("connector_name") + " is running low",
                List.of("Codes left for live orders: " + pool.get("available") + " (alert below " + pool.get("pool_low_stock") + ")",
                        "Codes loaded so far: " + pool.get("loaded"),
                        "Load more in the panel (the connector's page) or with POST /api/connectors/" + pool.get("connector_id") + "/pool.",
                        "When none are left, the key generator answers 503 (2Checkout asks again) and notifications fail",
                        "until codes are loaded and they are replayed."));
    }

    public void setSupportAddress(String supportAddress) {
        this.supportAddress = supportAddress;
    }
}
