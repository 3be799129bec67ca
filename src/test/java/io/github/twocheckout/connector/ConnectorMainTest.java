package io.github.twocheckout.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/** Where the configuration comes from when the JAR runs in a folder without config/. */
class ConnectorMainTest {

    @Test
    void withoutAConfigFolderTheFilesComeFromTheJar() {
        Properties p = new Properties();
        p.setProperty("connector.config-dir", "target/no-such-config");
        Main main = ConnectorMain.create(p);
        assertThat(main.getOverrideProperties())
                .containsEntry("connector.config-file", "classpath:config/connectors.yaml")
                .containsEntry("mail.templates", "classpath:config/mail")
                .containsEntry("keygen.templates", "classpath:config/keygen");
    }

    @Test
    void anExplicitSettingStillWins() {
        Properties p = new Properties();
        p.setProperty("connector.config-dir", "target/no-such-config");
        p.setProperty("keygen.templates", "file:/srv/keygen");
        assertThat(ConnectorMain.create(p).getOverrideProperties()).containsEntry("keygen.templates", "file:/srv/keygen");
    }

    @Test
    void aConfigFolderElsewhereNamesTheFilesItsPropertiesPointTo() throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/connector-main-test/config"));
        Properties p = new Properties();
        p.setProperty("connector.config-dir", folder.toString());
        // application.properties: connector.config-file = {{connector.config-dir}}/connectors.yaml, and the templates
        assertThat(ConnectorMain.create(p).getOverrideProperties()).containsEntry("connector.config-dir", folder.toString())
                .doesNotContainKeys("connector.config-file", "keygen.templates", "mail.templates");
    }

    @Test
    void withAConfigFolderItsFilesAreUsed() {
        Properties p = new Properties();
        p.setProperty("connector.config-dir", "config");
        assertThat(ConnectorMain.create(p).getOverrideProperties()).doesNotContainKeys("keygen.templates", "mail.templates");
    }
}
