package io.github.twocheckout.connector.storage;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings the schema up to date (Flyway, src/main/resources/db/migration) before anything uses the database. */
public class SchemaMigration {

    private final DataSource dataSource;

    public SchemaMigration(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void migrate() {
        // The migrations travel with this class: under `camel run` the JAR is on an added class loader that
        // is not the thread's context class loader, Flyway's default.
        Flyway.configure(SchemaMigration.class.getClassLoader()).dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }
}
