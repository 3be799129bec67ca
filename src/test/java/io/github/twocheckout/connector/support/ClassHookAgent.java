package io.github.twocheckout.connector.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that sets a class-file hook and changes nothing, as monitoring agents (OpenTelemetry, APM)
 * do: a JVM started with it and a dynamic class-data-sharing archive crashes on JDK 17.
 */
public final class ClassHookAgent {

    private ClassHookAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        instrumentation.addTransformer(new ClassFileTransformer() {
            // The default transform returns null: no class is changed.
        });
    }

    /** Writes the agent's JAR (this class and its manifest) to {@code jar}. */
    public static Path writeJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", ClassHookAgent.class.getName());
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (String name : new String[] {"ClassHookAgent.class", "ClassHookAgent$1.class"}) {
                String entry = ClassHookAgent.class.getPackageName().replace('.', '/') + "/" + name;
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = ClassHookAgent.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
