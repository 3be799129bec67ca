package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.github.twocheckout.connector.support.RunningConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's curl example, taken from the README itself, against the shipped config/connectors.yaml. */
class ReadmeExampleTest {

    @Test
    void theReadmeInsExampleYieldsALicenseReadableFromTheApi() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("curl [^\\n]*/2co/ins[^\\n]*\\n\\s*--data '([^']+)'").matcher(readme);
        assertThat(m.find()).as("README has a curl example posting to /2co/ins").isTrue();
        String body = m.group(1);
        assertThat(readme).contains("/api/licenses?order=250000000001");

        try (RunningConnector c = RunningConnector.start(Map.of("connector.config-file", "config/connectors.yaml"))) {
            c.http().contentType("application/x-www-form-urlencoded").body(body).post("/2co/ins").then().statusCode(200).body(equalTo("OK"));
            await().atMost(Duration.ofSeconds(20)).until(() -> c.licenses("250000000001").size() == 1);
            c.api().get("/api/licenses?order=250000000001").then().statusCode(200)
                    .body("$", hasSize(1)).body("[0].code", startsWith("DEMO-")).body("[0].product", equalTo("Demo App Pro"))
                    .body("[0].status", equalTo("ACTIVE")).body("[0].test", equalTo(false));
        }
    }
}
