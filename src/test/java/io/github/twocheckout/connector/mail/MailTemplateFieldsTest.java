package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A template reads the same text with the email's fields exposed as variables as it did through the getters. */
class MailTemplateFieldsTest {

    private static final String TEMPLATE = """
            Subject: order ${variable.mail.orderRef}${variable.mail.testNote}
            Hello ${variable.mail.vendorName}, ${variable.mail.connectorName} (${variable.mail.notificationId}, test: ${variable.mail.test})
            ${variable.mail.linesText}""";

    @Test
    void aTemplateReadsTheFieldsByTheirFullNamesAndRendersAsBefore() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            VendorMail mail = new VendorMail(List.of("vendor@example.com"), "ACME", "acme-main", 42L, "INS", "ORDER_CREATED",
                    "S-1001", List.of("ACME Pro x 1: CODE-1"), null, true);
            Exchange throughGetters = new DefaultExchange(camel);
            throughGetters.setVariable("mail", mail);
            String expected = camel.resolveLanguage("simple").createExpression(TEMPLATE).evaluate(throughGetters, String.class);

            Exchange exposed = new DefaultExchange(camel);
            exposed.setVariable("mail", mail);
            new MailTemplateFields().expose(exposed);

            assertThat(exposed.getVariable("mail.orderRef")).isEqualTo("S-1001");
            assertThat(exposed.getVariable("mail.testNote")).isEqualTo(" [TEST]");
            assertThat(exposed.getVariable("mail.test")).isEqualTo(true);
            assertThat(exposed.getVariable("mail.notificationId")).isEqualTo(42L);
            assertThat(camel.resolveLanguage("simple").createExpression(TEMPLATE).evaluate(exposed, String.class))
                    .isEqualTo(expected)
                    .contains("order S-1001 [TEST]", "Hello ACME, acme-main (42, test: true)", "ACME Pro x 1: CODE-1");
        }
    }

    /** The lever itself: Camel takes the variable of the full name, and calls no getter (a bean call on a copy of the exchange). */
    @Test
    void theSimpleLanguageTakesTheVariableOfTheFullNameBeforeCallingTheGetter() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            Exchange exchange = new DefaultExchange(camel);
            exchange.setVariable("mail", new VendorMail(List.of("vendor@example.com"), "ACME", "acme-main", 1L, "INS",
                    "ORDER_CREATED", "S-1", List.of(), null, false));
            exchange.setVariable("mail.orderRef", "from the variable");
            assertThat(camel.resolveLanguage("simple").createExpression("${variable.mail.orderRef}").evaluate(exchange, String.class))
                    .isEqualTo("from the variable");
        }
    }

    @Test
    void theFieldsOfAnEarlierEmailOnTheSameExchangeAreRemoved() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setVariable("mail", new VendorMail(List.of("vendor@example.com"), "ACME", "acme-main", 1L, "INS",
                    "ORDER_CREATED", "S-1", List.of(), null, false));
            MailTemplateFields fields = new MailTemplateFields();
            fields.expose(exchange);
            exchange.setVariable("mail", new SummaryMail());
            fields.expose(exchange);
            assertThat(exchange.getVariables().keySet()).containsExactlyInAnyOrder("mail", "mail.summary");
        }
    }

    @Test
    void withoutAnEmailNothingIsSet() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            new MailTemplateFields().expose(exchange);
            assertThat(exchange.getVariables()).isEmpty();
        }
    }

    /** An email with one field only. */
    public static final class SummaryMail {
        public String getSummary() {
            return "one line";
        }
    }
}
