package io.github.twocheckout.connector.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.SignedPost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The statements run for every order keep one prepared statement in PostgreSQL, whichever of their
 * arguments are null (SqlArg): orders with and without a subscription, a customer name or prices come
 * mixed, and a statement whose parameter types change from one call to the next is parsed and planned
 * again each time. pg_stat_statements keeps one entry per statement and parameter types: one text, one
 * entry.
 */
class StatementReuseTest extends ConnectorTestBase {

    @Test
    void theStatementsOfAnOrderKeepTheirParameterTypesWhateverIsNull() {
        connector.jdbc().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        connector.jdbc().execute("SELECT pg_stat_statements_reset()");
        for (int round = 0; round < 3; round++) {
            // A perpetual product and a subscription, by each channel that issues licenses.
            deliverIpn(SignedPost.ipn("COMPLETE").product("5001", "ACME-PRO", "ACME Pro", 1), 1);
            deliverIpn(SignedPost.ipn("COMPLETE").product("5002", "ACME-SUB", "ACME Subscription", 1,
                    "SUB" + SignedPost.nextNumber(), "REGULAR", "2031-01-01 00:00:00"), 1);
            postKeygen(SignedPost.keygen("5001", "ACME-PRO", 1)).then().statusCode(200);
            postKeygen(SignedPost.keygen("5002", "ACME-SUB", 1).set("LICENSE_REF", "SUB" + SignedPost.nextNumber()))
                    .then().statusCode(200);
            deliver(InsPost.acme("ORDER_CREATED").item("ACME-PRO", "ACME"), 1);
            deliver(InsPost.acme("ORDER_CREATED").item("ACME-SUB", "ACME").set("customer_first_name", ""), 1);
        }

        List<Map<String, Object>> changingTypes = connector.jdbc().queryForList("""
                SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS statement, count(*) AS entries, sum(calls) AS calls
                FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND (query ~ '(INSERT INTO|UPDATE) (notification|license|license_event|order_fact|mail_outbox|event_outbox|idn_outbox)\\M'
                       OR query ~ 'FROM product_mapping m JOIN connector c')
                GROUP BY query HAVING count(*) > 1""");
        assertThat(changingTypes).isEmpty();
        // The check sees the statements it is about.
        assertThat(connector.jdbc().queryForObject("""
                SELECT sum(calls) FROM pg_stat_statements WHERE query ~ 'INSERT INTO license \\('""", Long.class))
                .isGreaterThanOrEqualTo(18);
    }
}
