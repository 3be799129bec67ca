package io.github.twocheckout.connector.simulator;

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
            "scenarios/keygen-cart.yaml", "scenarios/license-activation.yaml"})
    void theExampleScenarioPasses(String file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = SimulatorCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "scenario", "--url", connector.baseUrl(), "--api-token", RunningConnector.API_TOKEN, file);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("scenario passed").doesNotContain("✗");
    }

    /**
     * A notification left FAILED fails its step, though every call was acknowledged and the licenses are as
     * expected: the vendor would get an error email. Unless the step says that is what it expects.
     */
    @org.junit.jupiter.api.Test
    void aStepWhoseNotificationEndsFailedFailsTheScenarioUnlessExpected() throws Exception {
        String scenario = """
                name: a product the connector does not know
                vendor: { merchantCode: DEMOSOFT, secretKey: AABBCCDDEEFF }
                apiToken: %s
                order:
                  products:
                    - { id: "4711001", code: DEMO-PRO, name: Demo App Pro, quantity: 1, price: 129.00 }
                    - { id: "999999", code: NO-SUCH-PRODUCT, name: Nobody's, quantity: 1, price: 1.00 }
                steps:
                  - name: Order complete
                    ipn: { status: COMPLETE }
                    %s
                    expect: { product: DEMO-PRO, licenses: 1, status: ACTIVE }
                """;
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "scenario");
        java.nio.file.Path unexpected = dir.resolve("unexpected.yaml");
        java.nio.file.Files.writeString(unexpected, scenario.formatted(RunningConnector.API_TOKEN, ""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = SimulatorCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "scenario", "--url", connector.baseUrl(), unexpected.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isNotZero();
        assertThat(text).contains("IPN COMPLETE ended FAILED", "scenario FAILED");

        java.nio.file.Path expected = dir.resolve("expected.yaml");
        java.nio.file.Files.writeString(expected, scenario.formatted(RunningConnector.API_TOKEN, "expectNotification: FAILED"));
        out.reset();
        exit = SimulatorCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "scenario", "--url", connector.baseUrl(), expected.toString());
        text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("notification FAILED as expected", "scenario passed");
    }
}
