package io.github.twocheckout.connector.protocol;

import io.github.twocheckout.connector.model.MalformedNotificationException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An application/x-www-form-urlencoded body exactly as posted: pairs in wire order, repeated keys kept.
 * 2Checkout signs values in POST order, so neither a map nor Camel's (sorted, case-insensitive)
 * headers may stand in for this. Decoding is strict: a bad percent escape or bytes that are not
 * UTF-8 make the whole body malformed rather than silently turning into replacement characters.
 */
public final class FormBody {

    /** One posted field. */
    public record Field(String name, String value) {
    }

    private final List<Field> fields;

    private FormBody(List<Field> fields) {
        this.fields = Collections.unmodifiableList(fields);
    }

    public static FormBody parse(String raw) {
        List<Field> fields = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return new FormBody(fields);
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name.isEmpty()) {
                throw new MalformedNotificationException("a field without a name");
            }
            fields.add(new Field(name, value));
        }
        return new FormBody(fields);
    }

    public List<Field> fields() {
        return fields;
    }

    /** The first value posted under this name, or null. */
    public String first(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** Every value posted under this name, in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equals(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    public int count(String name) {
        int n = 0;
        for (Field f : fields) {
            if (f.name().equals(name)) {
                n++;
            }
        }
        return n;
    }

    static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new MalformedNotificationException("truncated percent escape");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedNotificationException("invalid percent escape '" + encoded.substring(i, i + 3) + "'");
                }
                bytes.write((hi << 4) | lo);
                i += 2;
            } else if (c > 0x7F) {
                // Raw non-ASCII in a url-encoded body is tolerated (some clients do it) and taken as UTF-8.
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < encoded.length()) {
                    utf8 = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            } else {
                bytes.write(c);
            }
        }
        try {
            String value = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
            if (value.indexOf('\0') >= 0) {
                throw new MalformedNotificationException("a NUL character in a field");
            }
            return value;
        } catch (CharacterCodingException e) {
            throw new MalformedNotificationException("a field is not valid UTF-8");
        }
    }
}
