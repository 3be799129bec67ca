package io.github.twocheckout.connector.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What PostgreSQL did to run a statement (EXPLAIN ANALYZE, on the caller's connection and transaction). */
public record QueryPlan(String text) {

    private static final Pattern REMOVED = Pattern.compile("Rows Removed by Filter: (\\d+)");

    /** Runs {@code sql} with these parameters under EXPLAIN ANALYZE: a data-changing statement changes data. */
    public static QueryPlan explainAnalyze(Connection c, String sql, Object... parameters) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return new QueryPlan(plan.toString());
    }

    /** Rows read and thrown away by the plan's filters: what an index that selects the rows would not read. */
    public long rowsRemovedByFilter() {
        long removed = 0;
        Matcher m = REMOVED.matcher(text);
        while (m.find()) {
            removed += Long.parseLong(m.group(1));
        }
        return removed;
    }
}
