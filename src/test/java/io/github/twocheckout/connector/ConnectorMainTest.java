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

    @Test
    void thePackagedRouteFilesAreNamedOneByOneBeansFirst() throws Exception {
        // Named files, not a classpath pattern: a pattern makes Camel read the whole JAR through, twice.
        java.nio.file.Path jar = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/connector-main-test")).resolve("routes.jar");
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
            for (String name : new String[] {"routes/alerts.camel.yaml", "routes/beans.camel.yaml", "routes/api.camel.yaml",
                    "routes/README.md", "routes/old/x.camel.yaml", "config/y.camel.yaml"}) {
                out.putNextEntry(new java.util.jar.JarEntry(name));
                out.write("- route: {}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        assertThat(ConnectorMain.routeFilesIn(jar))
                .isEqualTo("classpath:routes/beans.camel.yaml,classpath:routes/alerts.camel.yaml,classpath:routes/api.camel.yaml");
    }

    @Test
    void inAClassesFolderEveryRouteFileIsListed() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
        String listed = ConnectorMain.routeFilesIn(classes);
        long files;
        try (var all = java.nio.file.Files.list(java.nio.file.Path.of("routes"))) {
            files = all.filter(f -> f.toString().endsWith(".camel.yaml")).count();
        }
        assertThat(listed).startsWith("classpath:routes/beans.camel.yaml,");
        assertThat(listed.split(",")).hasSize((int) files).allMatch(n -> n.startsWith("classpath:routes/") && n.endsWith(".camel.yaml"));
        java.nio.file.Path noRoutes = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/connector-main-test/no-routes"));
        assertThat(ConnectorMain.routeFilesIn(noRoutes)).isNull();
    }
}
