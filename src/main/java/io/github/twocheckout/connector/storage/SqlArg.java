package io.github.twocheckout.connector.storage;

import org.springframework.jdbc.core.SqlParameterValue;

import java.math.BigDecimal;
import java.sql.Types;

/**
 * An argument that may be null, sent with its column's type. The PostgreSQL driver keeps one server-side
 * prepared statement per SQL text and parameter types; a null sent without a type is "unknown", a value
 * is typed, so a statement whose argument is null in one call and set in the next is parsed and planned
 * anew each time. Statements run for every order wrap their nullable arguments in these
 * (StatementReuseTest checks it). Timestamps need none: the driver sends them untyped either way.
 */
public final class SqlArg {

    private SqlArg() {
    }

    public static SqlParameterValue text(String value) {
        return new SqlParameterValue(Types.VARCHAR, value);
    }

    public static SqlParameterValue bigint(Number value) {
        return new SqlParameterValue(Types.BIGINT, value == null ? null : value.longValue());
    }

    public static SqlParameterValue numeric(BigDecimal value) {
        return new SqlParameterValue(Types.NUMERIC, value);
    }
}
