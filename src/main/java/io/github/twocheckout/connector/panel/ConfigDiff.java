package io.github.twocheckout.connector.panel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What an export changes against the configuration file, in lines a person reads: entries added and
 * removed (vendors and connectors by code, products by product code or id), settings changed. Values are
 * compared as written: a secret is a reference in both, never its value.
 */
final class ConfigDiff {

    private ConfigDiff() {
    }

    static List<String> changes(List<Map<String, Object>> before, List<Map<String, Object>> after) {
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> is = new LinkedHashMap<>();
        flatten("", before, "vendors", was);
        flatten("", after, "vendors", is);
        TreeSet<String> paths = new TreeSet<>(was.keySet());
        paths.addAll(is.keySet());
        List<String> out = new ArrayList<>();
        for (String path : paths) {
            Object a = was.get(path);
            Object b = is.get(path);
            if (path.endsWith("/") && a == null) {
                out.add("added " + path.substring(0, path.length() - 1));
            } else if (path.endsWith("/") && b == null) {
                out.add("removed " + path.substring(0, path.length() - 1));
            } else if (!path.endsWith("/") && !Objects.equals(text(a), text(b)) && parentExistsInBoth(path, was, is)) {
                out.add(path + ": " + (a == null ? "(not set)" : text(a)) + " -> " + (b == null ? "(not set)" : text(b)));
            }
        }
        return out;
    }

    private static boolean parentExistsInBoth(String path, Map<String, Object> was, Map<String, Object> is) {
        String parent = path.substring(0, path.lastIndexOf(' ') + 1).trim();
        return parent.isEmpty() || (was.containsKey(parent + "/") && is.containsKey(parent + "/"));
    }

    private static String text(Object o) {
        return o instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList()) : o == null ? null : String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, List<Map<String, Object>> entries, String kind, Map<String, Object> out) {
        for (Map<String, Object> entry : entries) {
            String id = String.valueOf(entry.getOrDefault("code", entry.getOrDefault("productCode", entry.get("productId"))));
            String at = (prefix + " " + singular(kind) + " " + id).trim();
            out.put(at + "/", Boolean.TRUE);
            for (Map.Entry<String, Object> e : entry.entrySet()) {
                if (e.getValue() instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
                    flatten(at, (List<Map<String, Object>>) e.getValue(), e.getKey(), out);
                } else {
                    out.put(at + " " + e.getKey(), e.getValue());
                }
            }
        }
    }

    private static String singular(String kind) {
        return switch (kind) {
            case "vendors" -> "vendor";
            case "connectors" -> "connector";
            case "products" -> "product";
            default -> kind;
        };
    }
}
