package io.github.twocheckout.connector.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instant Delivery Notification: the form that confirms an order's fulfilment to 2Checkout, and its
 * answer. The fields are posted in the configured order, followed by the signature field: an HMAC
 * with the vendor's secret key over the length-prefixed values, as for IPN (2Checkout documents
 * HMAC-SHA256 and its Avangate-era HMAC-MD5; the field name is ORDER_HASH in the protocol family's
 * published description, see shared docs: uncertain, hence configurable). The answer is
 * {@code <EPAYMENT>ORDER_REF|RESPONSE_CODE|RESPONSE_MSG|IDN_DATE|HASH</EPAYMENT>}, its hash over the
 * first four values.
 */
public final class IdnMessage {

    /** IDN_DATE's format, in UTC. */
    public static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern ANSWER = Pattern.compile("<EPAYMENT>(.*?)</EPAYMENT>", Pattern.DOTALL);

    private IdnMessage() {
    }

    /** The current time as IDN_DATE. */
    public static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DATE);
    }

    /**
     * The fields to post, in order, with the signature last. {@code values} holds every field by name
     * (MERCHANT, ORDER_REF, ORDER_AMOUNT, ORDER_CURRENCY, IDN_DATE); {@code fields} says which are sent
     * and signed, in which order.
     */
    public static Map<String, String> form(List<String> fields, Map<String, String> values, HmacAlgorithm algorithm,
                                           String secretKey, String signatureField) {
        Map<String, String> form = new LinkedHashMap<>();
        List<String> signed = new ArrayList<>();
        for (String field : fields) {
            String value = values.getOrDefault(field, "");
            form.put(field, value);
            signed.add(value);
        }
        form.put(signatureField, HmacSignature.hmacHex(algorithm, secretKey, signed));
        return form;
    }

    /** application/x-www-form-urlencoded, in the form's order. */
    public static String encode(Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return body.toString();
    }

    /** 2Checkout's answer, parsed; {@code signatureValid} is null when the answer carries no hash. */
    public record Answer(String orderRef, String code, String message, String date, String hash, Boolean signatureValid) {

        /** The signature 2Checkout puts on an answer, for the simulator that plays it. */
        public static String sign(HmacAlgorithm algorithm, String secretKey, String orderRef, String code, String message, String date) {
            return HmacSignature.hmacHex(algorithm, secretKey, List.of(orderRef, code, message, date));
        }
    }

    /** Parses an answer; null when the body holds no {@code <EPAYMENT>} element of five parts. */
    public static Answer parse(String body, HmacAlgorithm algorithm, String secretKey) {
        if (body == null) {
            return null;
        }
        Matcher m = ANSWER.matcher(body);
        if (!m.find()) {
            return null;
        }
        String[] p = m.group(1).trim().split("\\|", -1);
        if (p.length < 4) {
            return null;
        }
        String hash = p.length > 4 ? p[4].trim() : "";
        Boolean valid = hash.isEmpty() ? null
                : HmacSignature.hexEquals(Answer.sign(algorithm, secretKey, p[0].trim(), p[1].trim(), p[2].trim(), p[3].trim()), hash);
        return new Answer(p[0].trim(), p[1].trim(), p[2].trim(), p[3].trim(), hash, valid);
    }
}
