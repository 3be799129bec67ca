package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference, config/application.properties and the properties the routes
 * read must tell the same story: a test fails when they drift apart.
 */
class ConfigReferenceTest {

    /** Documented, but set outside the file: the launcher reads the profile and the routes folder before any file. */
    private static final Set<String> OUTSIDE_THE_FILE = Set.of("camel.main.profile", "connector.routes-dir");

    private static Set<String> fileKeys() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("config/application.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new TreeSet<>(p.stringPropertyNames());
    }

    /** Property names in the first column of the README's Configuration table ({@code .suffix} continues the previous). */
    private static Set<String> documented() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("\n## Configuration"));
        section = section.substring(0, section.indexOf("\n### "));
        Set<String> names = new TreeSet<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher m = Pattern.compile("`([^`]+)`").matcher(line.split("\\|")[1]);
            String previous = null;
            while (m.find()) {
                String name = m.group(1);
                if (name.startsWith(".") && previous != null) {
                    name = previous.substring(0, previous.lastIndexOf('.')) + name;
                }
                names.add(name);
                previous = name;
            }
        }
        return names;
    }

    private static boolean covers(Set<String> documented, String key) {
        return documented.contains(key) || documented.stream().anyMatch(d -> d.endsWith(".*") && key.startsWith(d.substring(0, d.length() - 1)));
    }

    @Test
    void everySettingOfTheFileIsDocumentedAndEveryDocumentedOneExists() throws Exception {
        Set<String> file = fileKeys();
        Set<String> documented = documented();
        Set<String> undocumented = new TreeSet<>();
        for (String key : file) {
            // camel.* keys are Camel's own; those a user is meant to change are in the table, the rest in camel's docs.
            if (!key.startsWith("camel.") && !covers(documented, key)) {
                undocumented.add(key);
            }
        }
        assertThat(undocumented).as("settings in config/application.properties missing from the README").isEmpty();
        Set<String> stale = new TreeSet<>();
        for (String d : documented) {
            boolean exists = d.endsWith(".*") ? file.stream().anyMatch(k -> k.startsWith(d.substring(0, d.length() - 1)))
                    : file.contains(d) || OUTSIDE_THE_FILE.contains(d);
            if (!exists) {
                stale.add(d);
            }
        }
        assertThat(stale).as("README settings that config/application.properties does not have").isEmpty();
    }

    @Test
    void everyPropertyTheRoutesReadIsDefined() throws Exception {
        Set<String> file = fileKeys();
        Set<String> undefined = new TreeSet<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                String yaml = Files.readString(route);
                Set<String> templateParameters = templateParameters(yaml);
                Matcher m = Pattern.compile("\\{\\{([^}:]+)(:[^}]*)?}}|\\$\\{properties:([^}:]+)(:[^}]*)?}").matcher(yaml);
                while (m.find()) {
                    String key = m.group(1) != null ? m.group(1) : m.group(3);
                    boolean hasDefault = m.group(2) != null || m.group(4) != null;
                    if (!hasDefault && !file.contains(key) && !OUTSIDE_THE_FILE.contains(key) && !templateParameters.contains(key)) {
                        undefined.add(route.getFileName() + ": " + key);
                    }
                }
            }
        }
        assertThat(undefined).as("properties the routes read without a value in config/application.properties").isEmpty();
    }

    /** The parameters of the file's route templates: {{name}} there is the templated route's value, not a property. */
    @SuppressWarnings("unchecked")
    private static Set<String> templateParameters(String yaml) {
        Set<String> names = new TreeSet<>();
        Object doc = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(yaml);
        for (Object item : (java.util.List<Object>) doc) {
            Object template = ((java.util.Map<String, Object>) item).get("routeTemplate");
            if (template != null) {
                for (Object parameter : (java.util.List<Object>) ((java.util.Map<String, Object>) template).get("parameters")) {
                    names.add((String) ((java.util.Map<String, Object>) parameter).get("name"));
                }
            }
        }
        return names;
    }
}
