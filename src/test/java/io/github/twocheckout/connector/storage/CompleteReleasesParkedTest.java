package io.github.twocheckout.connector.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.model.OrderLine;
import io.github.twocheckout.connector.model.ProcessingReport;
import io.github.twocheckout.connector.model.ProductLicense;
import io.github.twocheckout.connector.model.StoredNotification;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * complete() writes a run's outcome and, in the same statement, releases the parked notifications of
 * the order once the run issued licenses. The recovery timer would release them too, later: these
 * checks call complete() directly, so only the statement itself can make them pass.
 */
class CompleteReleasesParkedTest extends ConnectorTestBase {

    @Test
    void aRunThatIssuedLicensesReleasesTheOrdersParkedRowsOnly() {
        inRolledBackTransaction(store -> {
            long vendor = vendorId();
            long parkedRefund = insert(vendor, "ORDER-A", "PARKED");
            long otherOrder = insert(vendor, "ORDER-B", "PARKED");
            long running = insert(vendor, "ORDER-A", "RECEIVED");

            store.complete(claimed(running, vendor, "ORDER-A"), reportWithLicenses("ORDER-A"), null);

            assertThat(status(parkedRefund)).isEqualTo("RECEIVED");
            assertThat(status(otherOrder)).isEqualTo("PARKED");
            assertThat(status(running)).isEqualTo("PROCESSED");
        });
    }

    @Test
    void aRunWithoutLicensesWritesItsOutcomeAndReleasesNothing() {
        inRolledBackTransaction(store -> {
            long vendor = vendorId();
            long parked = insert(vendor, "ORDER-C", "PARKED");
            long running = insert(vendor, "ORDER-C", "RECEIVED");
            ProcessingReport report = new ProcessingReport();
            report.park("no license for order ORDER-C yet");

            store.complete(claimed(running, vendor, "ORDER-C"), report, null);

            assertThat(status(parked)).isEqualTo("PARKED");
            assertThat(status(running)).isEqualTo("PARKED");
        });
    }

    private void inRolledBackTransaction(java.util.function.Consumer<NotificationStore> check) {
        NotificationStore store = connector.context().getRegistry().lookupByNameAndType("notificationStore", NotificationStore.class);
        // The store's statements join this transaction; rolled back, the running connector never sees the rows.
        new TransactionTemplate(new DataSourceTransactionManager(connector.dataSource())).executeWithoutResult(tx -> {
            check.accept(store);
            tx.setRollbackOnly();
        });
    }

    private long vendorId() {
        return connector.jdbc().queryForObject("SELECT min(id) FROM vendor", Long.class);
    }

    private long insert(long vendorId, String orderRef, String status) {
        return connector.jdbc().queryForObject("""
                INSERT INTO notification (channel, vendor_id, order_ref, raw_body, status)
                VALUES ('INS', ?, ?, 'x', ?) RETURNING id""", Long.class, vendorId, orderRef, status);
    }

    private String status(long id) {
        return connector.jdbc().queryForObject("SELECT status FROM notification WHERE id = ?", String.class, id);
    }

    private static StoredNotification claimed(long id, long vendorId, String orderRef) {
        return new StoredNotification(id, "INS", vendorId, "ORDER_CREATED", orderRef, "x", 1);
    }

    private static ProcessingReport reportWithLicenses(String orderRef) {
        Map<String, Object> row = new HashMap<>();
        row.put("mapping_id", 1L);
        row.put("connector_id", 1L);
        row.put("connector_name", "test");
        row.put("connector_enabled", true);
        row.put("product_name", "Product");
        row.put("license_type", "perpetual");
        row.put("max_activations", 1);
        row.put("code_mode", "per_unit");
        ProcessingReport report = new ProcessingReport();
        report.issued(ProductLicense.from(row), OrderLine.forOrder(orderRef).product("1", "P", "Product").quantity(1).build(),
                List.of("CODE-1"), 1);
        return report;
    }
}
