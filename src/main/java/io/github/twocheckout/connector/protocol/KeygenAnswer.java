package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.ProcessingReport;
import java.util.List;
import org.apache.camel.Variable;

/**
 * The codes of a key-generator answer, escaped for XML text. The document around them is a template
 * (config/keygen), so the format can change without Java; the escaping stays here because a swapped
 * code generator or a code prefix may produce characters that would break the document.
 */
public class KeygenAnswer {

    public List<String> codes(@Variable("report") ProcessingReport report) {
        return report.getCodes().stream().map(KeygenAnswer::xmlText).toList();
    }

    static String xmlText(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
