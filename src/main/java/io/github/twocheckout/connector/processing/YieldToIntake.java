package io.github.twocheckout.connector.processing;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;

/**
 * The route policy of a processing lot (routePolicy: yieldToIntake): before the lot begins, its worker
 * waits while 2Checkout's calls come in a burst ({@link IntakePriority}, the policy of the endpoints'
 * routes, counts them), and sets variable {@code lotSize}: processing.lot-size once intake is calm, 1
 * when the longest wait let it in. The rows are committed already; they wait as RECEIVED meanwhile.
 * Not Camel's RoutePolicySupport, a service: it only acts on exchanges.
 */
public class YieldToIntake implements RoutePolicy {

    private final IntakePriority intake;
    private int lotSize = 1;

    public YieldToIntake(IntakePriority intake) {
        this.intake = intake;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        boolean calm = false;
        try {
            calm = intake.awaitTurn();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the lot goes on, or is rolled back by the shutdown
        }
        exchange.setVariable("lotSize", calm ? lotSize : 1);
    }

    public void setLotSize(int lotSize) {
        this.lotSize = Math.max(1, lotSize);
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
