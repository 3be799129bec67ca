package io.github.twocheckout.connector.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.QueryPlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A pool hands out its oldest free code, however many were taken before it. The connector runs the
 * draw as a prepared statement, which PostgreSQL plans once for any connector after five runs (a
 * generic plan): with an index on the id alone, that plan walked the ids from the first code ever
 * loaded, past every code taken since (7 ms a draw after 10,000 codes in the benchmark, growing with
 * each). Only the index of free codes may serve it.
 */
class CodePoolTakeTest extends ConnectorTestBase {

    @Test
    void theDrawReadsFreeCodesOnlyHoweverManyWereTakenForAnyPlan() throws Exception {
        try (Connection c = connector.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // All in one transaction, rolled back: the running connector never sees these codes.
                long first;
                long second;
                try (ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM connector")) {
                    rs.next();
                    first = rs.getLong(1);
                    second = rs.getLong(2);
                }
                // Two connectors' pools, loaded one after the other; the first 20,000 of the first taken.
                s.execute("""
                        INSERT INTO license_code_pool (connector_id, code)
                        SELECT c, 'take-test-' || c || '-' || n FROM unnest(ARRAY[%d, %d]) c, generate_series(1, 50000) n
                        ORDER BY c, n""".formatted(first, second));
                s.execute("""
                        UPDATE license_code_pool SET taken_at = now()
                        WHERE id IN (SELECT id FROM license_code_pool WHERE connector_id = %d ORDER BY id LIMIT 20000)""".formatted(first));
                s.execute("ANALYZE license_code_pool");
                s.execute("PREPARE take(bigint, boolean) AS "
                        + CodePool.TAKE.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2"));
                for (String mode : new String[] {"force_custom_plan", "force_generic_plan"}) {
                    s.execute("SET LOCAL plan_cache_mode = " + mode);
                    for (long connectorId : new long[] {first, second}) {
                        QueryPlan plan = QueryPlan.explainAnalyze(c, "EXECUTE take(" + connectorId + ", false)");
                        assertThat(plan.rowsRemovedByFilter()).as(mode + "\n" + plan.text()).isLessThan(100);
                    }
                }
                // And the codes come oldest first.
                try (ResultSet rs = s.executeQuery("EXECUTE take(" + first + ", false)")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("take-test-" + first + "-20003");
                }
            } finally {
                c.rollback();
            }
        }
    }
}
