package io.github.twocheckout.connector.licensing;

import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/** Route steps that only write to the processing report: record-only events and the enrichment verdicts. */
public class OutcomeRecorder {

    /** A fresh report for one processing attempt; counts the attempts of this run for the dead letter. */
    public ProcessingReport newReport(org.apache.camel.Exchange exchange) {
        Integer attempts = exchange.getVariable("processingAttempts", Integer.class);
        exchange.setVariable("processingAttempts", attempts == null ? 1 : attempts + 1);
        return new ProcessingReport();
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
