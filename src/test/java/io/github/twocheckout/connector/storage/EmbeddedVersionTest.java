package io.github.twocheckout.connector.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL's major version, and what a data directory of another major version gets: a
 * refusal that says what to do, with the directory left untouched.
 */
class EmbeddedVersionTest extends ConnectorTestBase {

    @Test
    void theRunningEmbeddedServerIsTheMajorVersionTheGuardExpects() {
        Integer versionNum = connector.jdbc().queryForObject("SELECT current_setting('server_version_num')::int", Integer.class);
        assertThat(String.valueOf(versionNum / 10000)).isEqualTo(EmbeddedDatabase.EMBEDDED_MAJOR);
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedAndLeftAsItIs(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("PG_VERSION"), "9.6\n");
        Files.writeString(dir.resolve("postgresql.conf"), "# old\n");

        assertThatThrownBy(() -> EmbeddedDatabase.requireEmbeddedVersion(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("created by PostgreSQL 9.6")
                .hasMessageContaining("embeds PostgreSQL " + EmbeddedDatabase.EMBEDDED_MAJOR)
                .hasMessageContaining("db.url");
        assertThat(Files.readString(dir.resolve("PG_VERSION"))).isEqualTo("9.6\n");
        assertThat(Files.readString(dir.resolve("postgresql.conf"))).isEqualTo("# old\n");
    }

    @Test
    void aFailedEarlyStartFailsTheDatabaseWithItsReason(@TempDir Path dataDir) throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("postgres"));
        Files.writeString(dir.resolve("PG_VERSION"), "9.6\n");
        EmbeddedDatabase.startEarly(dataDir.toString(), 0);
        EmbeddedDatabase database = new EmbeddedDatabase();
        database.setDataDir(dataDir.toString());

        assertThatThrownBy(database::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("created by PostgreSQL 9.6");
        assertThat(Files.readString(dir.resolve("PG_VERSION"))).isEqualTo("9.6\n");
    }

    @Test
    void aNewOrCurrentDataDirectoryPasses(@TempDir Path dir) throws Exception {
        EmbeddedDatabase.requireEmbeddedVersion(dir);
        Files.writeString(dir.resolve("PG_VERSION"), EmbeddedDatabase.EMBEDDED_MAJOR + "\n");
        EmbeddedDatabase.requireEmbeddedVersion(dir);
    }
}
