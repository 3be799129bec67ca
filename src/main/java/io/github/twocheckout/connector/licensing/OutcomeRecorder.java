package io.github.twocheckout.connector.licensing;

import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.ProductLicense;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/** Route steps that only write to the processing report: record-only events and the enrichment verdicts. */
public class OutcomeRecorder {

    /**
     * A fresh report for one processing attempt. The attempt count, the report and the notification
     * are also kept as exchange properties, where the dead-letter route reads them once the attempts
     * are over (the redelivery headers are gone by then).
     */
    public ProcessingReport newReport(org.apache.camel.Exchange exchange) {
        Integer attempts = exchange.getProperty(ProcessingReport.DEAD_LETTER_ATTEMPTS, Integer.class);
        ProcessingReport report = new ProcessingReport();
        exchange.setProperty(ProcessingReport.DEAD_LETTER_ATTEMPTS, attempts == null ? 1 : attempts + 1);
        exchange.setProperty(ProcessingReport.DEAD_LETTER_REPORT, report);
        exchange.setProperty(ProcessingReport.DEAD_LETTER_NOTIFICATION, exchange.getVariable("notification"));
        return report;
    }


    public void record(@Variable("report") ProcessingReport report, String text) {
        report.note(text);
    }

    public void ignore(@Variable("report") ProcessingReport report, String text) {
        report.ignore(text);
    }

    public void awaitingFraudReview(@Body OrderLine line, @Variable("report") ProcessingReport report,
                                    @Variable("product") Map<String, Object> product) {
        report.note("no license yet for " + product.get("product_name") + " (" + line.getProductRef()
                + "): waiting for the fraud review to pass");
    }

    public void unknownProduct(@Body OrderLine line, @Variable("report") ProcessingReport report) {
        report.unknownProduct(line);
    }

    public void connectorDisabled(@Body OrderLine line, @Variable("report") ProcessingReport report,
                                  @Variable("product") Map<String, Object> product) {
        report.connectorDisabled(ProductLicense.from(product), line);
    }

    public void productResolved(@Variable("report") ProcessingReport report, @Variable("product") Map<String, Object> product) {
        report.productResolved(product);
    }
}
