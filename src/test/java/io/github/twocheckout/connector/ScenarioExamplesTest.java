package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.simulator.SimulatorCli;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.RunningConnector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example scenarios of scenarios/, played end to end by the simulator against the shipped demo configuration. */
class ScenarioExamplesTest extends ConnectorTestBase {

    @Override
    protected Map<String, String> properties() {
        return Map.of("connector.config-file", "config/connectors.yaml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scenarios/ipn-subscription-lifecycle.yaml", "scenarios/ins-subscription-lifecycle.yaml",
            "scenarios/keygen-cart.yaml"})
    void theExampleScenarioPasses(String file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = SimulatorCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "scenario", "--url", connector.baseUrl(), "--api-token", RunningConnector.API_TOKEN, file);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("scenario passed").doesNotContain("✗");
    }
}
