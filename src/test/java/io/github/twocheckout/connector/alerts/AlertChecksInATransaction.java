package io.github.twocheckout.connector.alerts;

import io.github.twocheckout.connector.mail.MailOutbox;
import io.github.twocheckout.connector.support.ConnectorTestBase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Alert checks over data that a test writes straight into the database: a vendor of its own and its
 * notifications, in one transaction that is rolled back, so the running connector never sees them and
 * the shared database keeps nothing.
 */
abstract class AlertChecksInATransaction extends ConnectorTestBase {

    interface Check {
        void run(Connection c, Statement s, VendorAlerts alerts, long vendor) throws Exception;
    }

    /** Runs {@code check} with a new vendor {@code code} and alerts that read through the same transaction. */
    void withVendor(String code, Check check) throws Exception {
        try (Connection c = connector.dataSource().getConnection()) {
            c.setAutoCommit(false);
            SingleConnectionDataSource tx = new SingleConnectionDataSource(c, true);
            VendorAlerts alerts = new VendorAlerts(tx, new MailOutbox(tx));
            try (Statement s = c.createStatement()) {
                long vendor;
                try (ResultSet rs = s.executeQuery("INSERT INTO vendor (code, name, contact_email) VALUES ('" + code + "', '"
                        + code + "', 'alerts@" + code + ".test') RETURNING id")) {
                    rs.next();
                    vendor = rs.getLong(1);
                }
                check.run(c, s, alerts, vendor);
            } finally {
                c.rollback();
            }
        }
    }
}
