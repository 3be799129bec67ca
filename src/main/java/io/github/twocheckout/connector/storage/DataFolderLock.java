package io.github.twocheckout.connector.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One connector per data folder. The embedded PostgreSQL belongs to the connector that started it; a
 * second connector on the same folder would find that server running and, taking it for one a crash
 * left behind, stop it under the first. The folder's {@code connector.lock} is held (an operating-system
 * file lock, released however the process ends, SIGKILL included) for as long as the connector runs:
 * a second one is refused at once, naming the first; a server found running while nobody holds the
 * lock really is an orphan. Connectors started within one JVM (tests, hand-overs) share the lock.
 */
public final class DataFolderLock {

    private static final Map<Path, FileLock> HELD = new HashMap<>();

    private DataFolderLock() {
    }

    /** Holds the lock of {@code dataDir} until this JVM ends, or says who holds it. */
    public static synchronized void acquire(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (HELD.containsKey(dir)) {
            return;
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("connector.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            throw new IllegalStateException("another connector is running on the data folder " + dir
                    + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + ": stop it first, or give this one a folder of its own (connector.data-dir, CONNECTOR_DATA_DIR)");
        }
        channel.truncate(0);
        ProcessHandle self = ProcessHandle.current();
        channel.write(java.nio.ByteBuffer.wrap(("pid " + self.pid() + self.info().commandLine().map(c -> ", " + clip(c)).orElse("")
                + ", since " + java.time.Instant.now()).getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        HELD.put(dir, lock);
    }

    private static String clip(String commandLine) {
        return commandLine.length() > 200 ? commandLine.substring(0, 200) + "..." : commandLine;
    }
}
