package io.github.twocheckout.connector.mail;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Turns a rendered template into a mail message. A template's first line is {@code Subject: ...};
 * the rest is the text. Headers are set here from scratch: the route removed every other header
 * first, so nothing from the HTTP request can reach an email.
 */
public class MailComposer {

    private static final java.util.regex.Pattern LEADING_BLANK_LINE = java.util.regex.Pattern.compile("^\\r?\\n");
    private static final java.util.regex.Pattern LINE_BREAK = java.util.regex.Pattern.compile("[\\r\\n]");

    private String from = "connector@localhost";

    public void compose(Exchange exchange) {
        Message message = exchange.getMessage();
        String text = message.getBody(String.class);
        String subject = "2Checkout connector";
        if (text.startsWith("Subject:")) {
            int end = text.indexOf('\n');
            subject = (end < 0 ? text.substring(8) : text.substring(8, end)).trim();
            text = end < 0 ? "" : LEADING_BLANK_LINE.matcher(text.substring(end + 1)).replaceFirst("");
        }
        Addressed mail = exchange.getVariable("mail", Addressed.class);
        message.setBody(text);
        message.setHeader("From", from);
        message.setHeader("To", mail.getTo());
        message.setHeader("Subject", LINE_BREAK.matcher(subject).replaceAll(" "));
        message.setHeader("Content-Type", "text/plain; charset=UTF-8");
    }

    public void setFrom(String from) {
        this.from = from;
    }
}
