package io.github.twocheckout.connector.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.model.LineSale;
import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who hears of new licenses comes with the product lookup (recipients, contact_email, vendor_name in
 * the enrich query). A lookup edited without those columns must give the same emails: the planner then
 * reads the connector itself. A connector that asks for no email gets none either way.
 */
class SuccessMailRecipientsTest extends ConnectorTestBase {

    private static final String LOOKUP = """
            SELECT m.id AS mapping_id, m.name AS product_name, m.edition, m.license_type, m.duration, m.max_activations,
                   m.code_mode, c.id AS connector_id, c.name AS connector_name, c.enabled AS connector_enabled, c.mode,
                   c.email_on_success, c.code_prefix, v.code AS vendor_code, c.recipients, v.contact_email, v.name AS vendor_name
            FROM product_mapping m JOIN connector c ON c.id = m.connector_id JOIN vendor v ON v.id = m.vendor_id
            WHERE m.product_code = ?""";

    private List<VendorMail> successMails(String productCode, boolean lookupHasMailing) {
        Map<String, Object> row = new HashMap<>(connector.jdbc().queryForMap(LOOKUP, productCode));
        if (!lookupHasMailing) {
            row.keySet().removeAll(List.of("recipients", "contact_email", "vendor_name"));
        }
        ProductLicense product = ProductLicense.from(row);
        assertThat(product.mailing() != null).isEqualTo(lookupHasMailing);
        OrderLine line = OrderLine.forOrder("mail-" + productCode).product("5001", productCode, "Product").quantity(1)
                .sale(LineSale.unpriced(1)).build();
        ProcessingReport report = new ProcessingReport();
        report.issued(product, line, List.of("CODE-1"), 1);
        StoredNotification n = new StoredNotification(1L, "INS", null, "ORDER_CREATED",
                line.getOrderRef(), "", 1);
        MailPlanner planner = new MailPlanner(connector.dataSource());
        return planner.successMails(n, report);
    }

    @Test
    void theLookupsMailSettingsAndTheConnectorsOwnGiveTheSameEmail() {
        for (boolean fromLookup : new boolean[] {true, false}) {
            assertThat(successMails("ACME-PRO", fromLookup)).as("from the lookup: " + fromLookup).singleElement().satisfies(m -> {
                assertThat(m.getRecipients()).containsExactly("acme@vendor.test", "ops@acme.test");
                assertThat(m.getVendorName()).isEqualTo("ACME Software");
                assertThat(m.getConnectorName()).isEqualTo("ACME Suite");
            });
        }
    }

    @Test
    void aConnectorThatAsksForNoEmailGetsNone() {
        assertThat(successMails("TOOLS-1M", true)).isEmpty();
        assertThat(successMails("TOOLS-1M", false)).isEmpty();
    }
}
