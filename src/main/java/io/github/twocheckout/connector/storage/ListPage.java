package io.github.twocheckout.connector.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One page of a list: where it starts (offset), how long it is (limit), and its order ({@code sort}: a
 * column name, descending with a leading "-"), always ending on the id so that pages never overlap.
 * The total that matches goes to the answer's X-Total-Count header (variable totalCount, set by api-json),
 * so the body stays the list it always was. Counting is exact up to {@link #EXACT_UP_TO} rows; beyond,
 * the total is PostgreSQL's estimate (from the statistics ANALYZE keeps) and X-Total-Count-Estimated
 * says so: counting a million rows exactly takes longer than a page may (docs/benchmarks.md, lists).
 */
public record ListPage(int offset, int limit, String orderBy) {

    public static final int DEFAULT_LIMIT = 100;
    static final int EXACT_UP_TO = 10_000;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static final int MAX_LIMIT = 1000;

    /** sortable: API name to SQL expression; the default order when sort is absent. */
    public static ListPage of(String offset, String limit, String sort, Map<String, String> sortable, String defaultOrder,
                              String idColumn) {
        int o = number(offset, "offset", 0);
        int l = Math.min(MAX_LIMIT, Math.max(1, number(limit, "limit", DEFAULT_LIMIT)));
        if (o < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        String orderBy = defaultOrder;
        if (sort != null && !sort.isBlank()) {
            String s = sort.trim();
            boolean desc = s.startsWith("-");
            String column = desc ? s.substring(1) : s;
            String expression = sortable.get(column);
            if (expression == null) {
                throw new IllegalArgumentException("sort: one of " + String.join(", ", sortable.keySet()) + " (a leading - for descending)");
            }
            // PostgreSQL's default place for nulls (last ascending, first descending), which the indexes keep:
            // a sorted page walks its column's index.
            String direction = desc ? " DESC" : " ASC";
            orderBy = expression + direction + ", " + idColumn + direction;
        }
        return new ListPage(o, l, orderBy);
    }

    /**
     * The rows of the page, and the count of every matching row into variable totalCount. The page is
     * chosen from {@code from} alone (a table and its alias) and only its rows are joined, by
     * {@code select}: a query whose {@code {page}} is replaced by the page's subquery, under the alias.
     * Rows skipped by the offset are never joined.
     */
    public List<Map<String, Object>> query(JdbcTemplate jdbc, String from, String where, List<Object> args, String select,
                                           Exchange exchange) {
        Long total = jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 FROM " + from + where + " LIMIT " + (EXACT_UP_TO + 1) + ") t",
                Long.class, args.toArray());
        boolean estimated = total > EXACT_UP_TO;
        if (estimated) {
            total = Math.max(EXACT_UP_TO + 1, estimate(jdbc, "SELECT 1 FROM " + from + where, args));
        }
        if (exchange != null) {
            exchange.setVariable("totalCount", total);
            if (estimated) {
                exchange.setVariable("totalEstimated", true);
            }
        }
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(limit);
        pageArgs.add(offset);
        String page = "(SELECT * FROM " + from + where + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?)";
        return jdbc.queryForList(select.replace("{page}", page) + " ORDER BY " + orderBy, pageArgs.toArray());
    }

    /** The planner's estimate of the rows a query returns. */
    private static long estimate(JdbcTemplate jdbc, String query, List<Object> args) {
        String plan = jdbc.queryForObject("EXPLAIN (FORMAT JSON) " + query, String.class, args.toArray());
        try {
            return JSON.readTree(plan).get(0).get("Plan").get("Plan Rows").asLong();
        } catch (Exception e) {
            throw new IllegalStateException("unreadable query plan: " + plan, e);
        }
    }

    private static int number(String value, String name, int otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number");
        }
    }
}
