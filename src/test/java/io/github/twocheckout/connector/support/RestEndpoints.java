package io.github.twocheckout.connector.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** What the REST DSL of route files defines, read from the files themselves: "METHOD /base/path". */
public final class RestEndpoints {

    private RestEndpoints() {
    }

    @SuppressWarnings("unchecked")
    public static List<String> of(String... routeFiles) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        for (String file : routeFiles) {
            List<Object> routes = (List<Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(Path.of(file)));
            for (Object r : routes) {
                Map<String, Object> rest = (Map<String, Object>) ((Map<String, Object>) r).get("rest");
                if (rest != null) {
                    for (String verb : List.of("get", "post", "put", "delete")) {
                        for (Object v : (List<Object>) rest.getOrDefault(verb, List.of())) {
                            out.add(verb.toUpperCase() + " " + rest.get("path") + ((Map<String, Object>) v).get("path"));
                        }
                    }
                }
            }
        }
        return out;
    }
}
