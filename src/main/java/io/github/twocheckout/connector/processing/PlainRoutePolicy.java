package io.github.twocheckout.connector.processing;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;

/**
 * A route policy that only acts on exchanges. Not Camel's RoutePolicySupport: that is a service, and
 * Camel skips the begin and done calls of a policy service that is not running, so that one route
 * stopping would stop a policy shared by several routes (a call begun before would count for ever).
 */
abstract class PlainRoutePolicy implements RoutePolicy {

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
    }

    @Override
    public void onInit(Route route) {
    }

    @Override
    public void onRemove(Route route) {
    }

    @Override
    public void onStart(Route route) {
    }

    @Override
    public void onStop(Route route) {
    }

    @Override
    public void onSuspend(Route route) {
    }

    @Override
    public void onResume(Route route) {
    }
}
