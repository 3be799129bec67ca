package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's curl examples, taken from the README itself, against the shipped config/connectors.yaml. */
class ReadmeExampleTest extends ConnectorTestBase {

    @Override
    protected Map<String, String> properties() {
        return Map.of("connector.config-file", "config/connectors.yaml");
    }

    /** The --data of the README's curl example that posts to this path. */
    private static String example(String path) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("curl [^\\n]*" + Pattern.quote(path) + "[^\\n]*\\n\\s*--data '([^']+)'").matcher(readme);
        assertThat(m.find()).as("README has a curl example posting to " + path).isTrue();
        return m.group(1);
    }

    @Test
    void theReadmeInsExampleYieldsALicenseReadableFromTheApi() throws Exception {
        String body = example("/2co/ins");
        assertThat(Files.readString(Path.of("README.md"))).contains("/api/licenses?order=250000000001");

        connector.http().contentType("application/x-www-form-urlencoded").body(body).post("/2co/ins").then().statusCode(200)
                .body(equalTo("OK"));
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.licenses("250000000001").size() == 1);
        connector.api().get("/api/licenses?order=250000000001").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].code", startsWith("DEMO-")).body("[0].product", equalTo("Demo App Pro"))
                .body("[0].status", equalTo("ACTIVE")).body("[0].test", equalTo(false));
    }

    @Test
    void theReadmeKeygenExampleIsAnsweredWithTheSameTwoCodesEachTime() throws Exception {
        String body = example("/2co/keygen?merchant=DEMOSOFT");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Response r = connector.http().contentType("application/x-www-form-urlencoded").body(body)
                    .post("/2co/keygen?merchant=DEMOSOFT");
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            answers.add(r.asString());
        }
        assertThat(answers.get(1)).isEqualTo(answers.get(0));
        List<Map<String, Object>> licenses = connector.licenses("250000000002");
        assertThat(licenses).hasSize(2);
        for (Map<String, Object> l : licenses) {
            assertThat((String) l.get("code")).startsWith("DEMO-");
            assertThat(answers.get(0)).contains("<Code>" + l.get("code") + "</Code>");
        }
    }
}
