package io.github.twocheckout.connector.mail;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The default mail transport when no SMTP server is configured: each email is written as an .eml
 * file (open it with any mail client) under the data directory, so a fresh checkout runs without
 * a mail server and nothing is lost.
 */
public class EmlFileWriter {

    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";
    private static final String ANGUS_STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

    static {
        // Jakarta Mail looks its stream provider up with a ServiceLoader scan of the classpath on every
        // message written (a sixth of the sender's time); named, it is instantiated directly. Only when
        // every thread can load it, as from the JAR: under `camel run` the mail classes sit on another
        // class loader, and a named provider that cannot be loaded fails every email.
        if (System.getProperty(STREAM_PROVIDER) == null && loadable(ClassLoader.getSystemClassLoader())
                && loadable(Thread.currentThread().getContextClassLoader())) {
            System.setProperty(STREAM_PROVIDER, ANGUS_STREAM_PROVIDER);
        }
    }

    private static boolean loadable(ClassLoader loader) {
        try {
            return loader != null && Class.forName(ANGUS_STREAM_PROVIDER, false, loader) != null;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private String directory = "data/mail";
    /** One mail session for every file: creating one looks up providers on the classpath each time. */
    private final Session session = Session.getInstance(new Properties());

    public Path write(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(new InternetAddress(in.getHeader("From", String.class)));
        mime.setRecipients(RecipientType.TO, InternetAddress.parse(in.getHeader("To", String.class)));
        mime.setSubject(in.getHeader("Subject", String.class), "UTF-8");
        mime.setText(in.getBody(String.class), "UTF-8");
        mime.setSentDate(new Date());
        mime.saveChanges();
        Path dir = Path.of(directory);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Path file = dir.resolve(Instant.now().toString().replace(':', '-') + "-" + UUID.randomUUID().toString().substring(0, 8) + ".eml");
        // Composed in memory and written at once: MimeMessage writes a line at a time (a system call each).
        Bytes bytes = new Bytes();
        mime.writeTo(bytes);
        try (java.io.OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(bytes.buffer, 0, bytes.count);
        }
        return file;
    }

    /**
     * A growing byte buffer without ByteArrayOutputStream's lock and capacity check per byte: the
     * encoders of MimeMessage write the body a byte at a time (a tenth of the sender's time went there).
     */
    private static final class Bytes extends java.io.OutputStream {
        byte[] buffer = new byte[8192];
        int count;

        @Override
        public void write(int b) {
            if (count == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, count * 2);
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, count + len));
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }
    }

    public void setDirectory(String directory) {
        this.directory = directory;
    }
}
