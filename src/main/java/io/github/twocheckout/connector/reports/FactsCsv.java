package io.github.twocheckout.connector.reports;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import io.github.twocheckout.connector.model.Principal;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order facts of a period as CSV (RFC 4180: UTF-8, one header row, CRLF, fields quoted when they
 * hold a comma, a quote or a line break). The rows are streamed: a server-side cursor (autocommit off,
 * fetch size) read a few hundred rows at a time while the HTTP answer is written in chunks, so a year of
 * orders never sits in memory. An export the client stops reading is closed after a while.
 */
public class FactsCsv {

    private static final Logger LOG = LoggerFactory.getLogger(FactsCsv.class);

    static final List<String> COLUMNS = List.of("fact_id", "occurred_at", "recorded_at", "vendor", "channel", "kind",
            "counted", "order_ref", "external_ref", "invoice_ref", "subscription_ref", "line_no", "product_code",
            "product_id", "product_name", "quantity", "unit_price", "list_amount", "list_currency", "discount", "vat",
            "paid_amount", "currency", "usd_amount", "payment_method", "country", "test", "refers_to", "notification_id");

    private static final String QUERY = """
            SELECT f.id AS fact_id, f.occurred_at, f.recorded_at, v.code AS vendor, f.channel, f.kind, f.counted, f.order_ref,
                   f.external_ref, f.invoice_ref, f.subscription_ref, f.line_no, COALESCE(f.product_code, m.product_code) AS product_code,
                   COALESCE(f.product_id, m.product_id) AS product_id, f.product_name, f.quantity, f.unit_price, f.list_amount,
                   f.list_currency, f.discount, f.vat, f.paid_amount, f.currency, f.usd_amount, f.payment_method, f.country,
                   f.test, f.refers_to, f.notification_id
            FROM order_fact_view f JOIN vendor v ON v.id = f.vendor_id LEFT JOIN product_mapping m ON m.id = f.product_mapping_id
            WHERE f.occurred_at >= ? AND f.occurred_at < ? AND (? OR NOT f.test)
              AND (?::text IS NULL OR m.product_code = ? OR m.product_id = ?) AND (?::text IS NULL OR v.code = ?)
                  AND (?::text IS NULL OR v.id = ANY(?::bigint[]))
            ORDER BY f.occurred_at, f.id""";

    private static final long IDLE_LIMIT_MILLIS = 120_000;
    private static final Set<CursorStream> OPEN = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "csv-export-watchdog");
        t.setDaemon(true);
        return t;
    });

    static {
        // A client that went away leaves its stream unread: give its connection back to the pool.
        WATCHDOG.scheduleWithFixedDelay(() -> OPEN.forEach(CursorStream::closeIfIdle), 30, 30, TimeUnit.SECONDS);
    }

    private final DataSource dataSource;
    private int fetchSize = 500;

    public FactsCsv(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setFetchSize(int fetchSize) {
        this.fetchSize = fetchSize;
    }

    /** The download's file name: the period and product, in characters safe in a header. */
    public String fileName(@Header("from") String from, @Header("to") String to, @Header("product") String product,
                           @Header("vendor") String vendor, @Header("includeTest") String includeTest,
            @Variable("principal") Principal principal) {
        ReportPeriod p = ReportPeriod.of(from, to, product, vendor, includeTest, principal);
        String what = p.product() == null ? "" : "-" + p.product().replaceAll("[^A-Za-z0-9._-]", "_");
        return "order-facts-" + p.from() + "-to-" + p.to() + what + ".csv";
    }

    /**
     * Runs the query and returns the CSV as a stream that reads the cursor as it is consumed. Bad
     * parameters and query failures surface here, before anything is sent.
     */
    public InputStream open(@Header("from") String from, @Header("to") String to, @Header("product") String product,
                            @Header("vendor") String vendor, @Header("includeTest") String includeTest,
            @Variable("principal") Principal principal) throws SQLException {
        ReportPeriod p = ReportPeriod.of(from, to, product, vendor, includeTest, principal);
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false); // PostgreSQL uses a cursor (fetchSize) only inside a transaction
            c.setReadOnly(true);
            PreparedStatement ps = c.prepareStatement(QUERY, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(fetchSize);
            int i = 1;
            ps.setTimestamp(i++, p.start());
            ps.setTimestamp(i++, p.end());
            ps.setBoolean(i++, p.includeTest());
            for (int k = 0; k < 3; k++) {
                ps.setString(i++, p.product());
            }
            ps.setString(i++, p.vendor());
            ps.setString(i++, p.vendor());
            ps.setString(i++, p.scope());
            ps.setString(i, p.scope());
            CursorStream stream = new CursorStream(c, ps, ps.executeQuery());
            OPEN.add(stream);
            return stream;
        } catch (SQLException | RuntimeException e) {
            release(c);
            throw e;
        }
    }

    private static void release(Connection c) {
        try {
            c.rollback();
            c.setReadOnly(false);
            c.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.debug("resetting the export connection failed", e);
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing the export connection failed", e);
        }
    }

    /** One CSV field: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
    static String field(Object v) {
        if (v == null) {
            return "";
        }
        String s;
        if (v instanceof BigDecimal b) {
            s = b.toPlainString();
        } else if (v instanceof Timestamp t) {
            s = t.toInstant().toString();
        } else {
            s = v.toString();
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    static String header() {
        return String.join(",", COLUMNS) + "\r\n";
    }

    /** Bytes of CSV made from the cursor as they are read: the header, then a batch of rows at a time. */
    static final class CursorStream extends InputStream {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rows;
        private byte[] buffer = header().getBytes(StandardCharsets.UTF_8);
        private int pos;
        private boolean exhausted;
        private boolean closed;
        private volatile long lastRead = System.currentTimeMillis();

        CursorStream(Connection connection, PreparedStatement statement, ResultSet rows) {
            this.connection = connection;
            this.statement = statement;
            this.rows = rows;
        }

        @Override
        public synchronized int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] into, int off, int len) throws IOException {
            lastRead = System.currentTimeMillis();
            if (len == 0) {
                return 0;
            }
            while (pos >= buffer.length) {
                if (exhausted || closed) {
                    return -1;
                }
                fill();
            }
            int n = Math.min(len, buffer.length - pos);
            System.arraycopy(buffer, pos, into, off, n);
            pos += n;
            return n;
        }

        private void fill() throws IOException {
            StringBuilder out = new StringBuilder(16_384);
            try {
                while (out.length() < 16_000 && rows.next()) {
                    for (int i = 0; i < COLUMNS.size(); i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        out.append(field(rows.getObject(COLUMNS.get(i))));
                    }
                    out.append("\r\n");
                }
                if (out.length() == 0) {
                    exhausted = true;
                    close();
                }
            } catch (SQLException e) {
                LOG.error("CSV export failed while reading the facts; the download is cut short", e);
                close();
                throw new IOException("export failed", e);
            }
            buffer = out.toString().getBytes(StandardCharsets.UTF_8);
            pos = 0;
        }

        synchronized void closeIfIdle() {
            if (!closed && System.currentTimeMillis() - lastRead > IDLE_LIMIT_MILLIS) {
                LOG.warn("CSV export not read for {} s: closed", IDLE_LIMIT_MILLIS / 1000);
                close();
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            OPEN.remove(this);
            try {
                rows.close();
                statement.close();
            } catch (SQLException e) {
                LOG.debug("closing the export cursor failed", e);
            }
            release(connection);
        }
    }
}
