package io.github.twocheckout.connector.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What processing one notification did, line by line, in words a vendor can read. Handlers add to
 * it; the notification row gets its status and summary from it, and the vendor emails their content.
 * One instance per processing run, shared by the split sub-exchanges of that run.
 */
public class ProcessingReport {
    /** Exchange properties of a processing attempt, for the dead letter channel (see OutcomeRecorder.newReport). */
    public static final String DEAD_LETTER_ATTEMPTS = "connector.processingAttempts";
    public static final String DEAD_LETTER_REPORT = "connector.processingReport";
    public static final String DEAD_LETTER_NOTIFICATION = "connector.processingNotification";


    /** Codes issued for one connector in this run, for its success email. */
    public static final class Issued {
        private final long connectorId;
        private final String connectorName;
        private final ProductLicense.Mailing mailing;
        private final List<String> lines = new ArrayList<>();
        private boolean test;

        Issued(long connectorId, String connectorName, ProductLicense.Mailing mailing) {
            this.connectorId = connectorId;
            this.connectorName = connectorName;
            this.mailing = mailing;
        }

        /** The connector's mail settings from the product lookup; null when it did not read them. */
        public ProductLicense.Mailing getMailing() {
            return mailing;
        }

        public long getConnectorId() {
            return connectorId;
        }

        public String getConnectorName() {
            return connectorName;
        }

        public List<String> getLines() {
            return lines;
        }

        public boolean isTest() {
            return test;
        }
    }

    private final List<String> actions = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<Long, Issued> issued = new LinkedHashMap<>();
    /** Every code issued or found in this run, line by line: the key generator's answer. */
    private final List<String> codes = new ArrayList<>();
    private Long errorConnectorId;
    private Long resolvedConnectorId;
    private boolean parked;
    private boolean licensesPresent;
    private boolean ignored;

    public synchronized void issued(ProductLicense product, OrderLine line, List<String> codes, int newlyIssued) {
        licensesPresent = true;
        this.codes.addAll(codes);
        actions.add((newlyIssued > 0 ? "issued " + newlyIssued : "already issued")
                + " license(s) for " + product.productName() + " (" + line.getProductRef() + ")"
                + (newlyIssued > 0 && newlyIssued < codes.size() ? ", " + (codes.size() - newlyIssued) + " existed" : ""));
        if (newlyIssued > 0) {
            Issued mail = issued.computeIfAbsent(product.connectorId(), id -> new Issued(id, product.connectorName(), product.mailing()));
            mail.lines.add(product.productName() + " x" + line.getQuantity() + ": " + String.join(", ", codes));
            mail.test |= line.isTest() || product.testingMode();
        }
    }

    public synchronized void changed(ProductLicense product, OrderLine line, LicenseAction action, int changed, int found) {
        actions.add(action.event.toLowerCase().replace('_', ' ') + " (" + action.reason + "): " + changed + " of "
                + found + " license(s) of " + product.productName() + " (" + line.getProductRef() + ")"
                + (changed < found ? ", the others were already in that state" : ""));
    }

    public synchronized void renewed(ProductLicense product, OrderLine line, int renewed, int found, String until) {
        actions.add(renewed > 0
                ? "renewed " + renewed + " license(s) of " + product.productName() + " until " + until
                : "renewal for invoice " + line.getInvoiceId() + " already applied to " + product.productName());
    }

    public synchronized void note(String text) {
        actions.add(text);
    }

    public synchronized void park(String why) {
        parked = true;
        actions.add("parked: " + why);
    }

    public synchronized void ignore(String why) {
        ignored = true;
        actions.add("ignored: " + why);
    }

    /** A business error: nothing to retry until the vendor changes something, then replays. */
    public synchronized void error(String text, Long connectorId) {
        errors.add(text);
        if (connectorId != null) {
            errorConnectorId = connectorId;
        }
    }

    public synchronized void unknownProduct(OrderLine line) {
        error("unknown product '" + line.getProductRef() + "' (" + (line.getProductName() == null ? "no name" : line.getProductName())
                + "): no product mapping has this product id or code", null);
    }

    public synchronized void connectorDisabled(ProductLicense product, OrderLine line) {
        error("connector '" + product.connectorName() + "' is disabled; product " + line.getProductRef() + " not licensed",
                product.connectorId());
    }

    public synchronized String getStatus() {
        if (!errors.isEmpty()) {
            return "FAILED";
        }
        if (parked) {
            return "PARKED";
        }
        if (ignored && actions.size() == 1) {
            return "IGNORED";
        }
        return "PROCESSED";
    }

    public synchronized String getSummary() {
        List<String> all = new ArrayList<>(actions);
        errors.forEach(e -> all.add("error: " + e));
        return all.isEmpty() ? "nothing to do" : String.join("; ", all);
    }

    public synchronized String getErrorText() {
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    public synchronized boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The connector an error concerns: the one named by a business error, else the last one resolved. */
    public synchronized Long getErrorConnectorId() {
        return errorConnectorId != null ? errorConnectorId : resolvedConnectorId;
    }

    /** Called when a line's product was found, so that a later failure can be reported to its vendor. */
    public synchronized void productResolved(java.util.Map<String, Object> productRow) {
        if (productRow != null && productRow.get("connector_id") instanceof Number id) {
            resolvedConnectorId = id.longValue();
        }
    }

    /** True when this run issued or found the order's licenses (parked notifications may now apply). */
    public synchronized boolean hasLicenses() {
        return licensesPresent;
    }

    /** The codes of every line this run issued or found, in line and unit order. */
    public synchronized List<String> getCodes() {
        return List.copyOf(codes);
    }

    public synchronized List<Issued> getIssued() {
        return new ArrayList<>(issued.values());
    }
}
