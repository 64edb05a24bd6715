package io.netproxy.engine.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random values an instance keeps in its state directory, made on first use and readable by root only: a client's
 * id and, in password mode, its static key and the server's salt and static key. Keeping them gives a restarted
 * password-mode client its key (and so its address) back, and a restarted server the key and salt its clients have
 * cached.
 */
final class StateSecrets {
    private static final Logger LOG = LoggerFactory.getLogger(StateSecrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The 16-byte id a client sends in its handshake. */
    static final int CLIENT_ID_LENGTH = 16;

    private StateSecrets() {}

    /** The stored id of this client tunnel. */
    static byte[] clientId(Path stateDir, String tunnelName) {
        return forTunnel(stateDir, "client-id-" + tunnelName, CLIENT_ID_LENGTH, "client id");
    }

    /**
     * The stored random bytes of this file, created with mode 0600 on first use; fresh random ones for this run when
     * there is no state directory or it cannot be written (logged).
     *
     * @param stateDir the instance's state directory, or null
     */
    static byte[] forTunnel(Path stateDir, String fileName, int length, String what) {
        byte[] fresh = new byte[length];
        RANDOM.nextBytes(fresh);
        if (stateDir == null) return fresh;
        Path file = stateDir.resolve(fileName);
        try {
            if (Files.exists(file)) {
                byte[] stored = Files.readAllBytes(file);
                if (stored.length == length) return stored;
                LOG.warn("{} is not a {} ({} bytes, not {}); replacing it", file, what, stored.length, length);
            }
            writeWhole(file, fresh);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot keep the {} in {} ({}); using a new one for this run", what, file, e.getMessage());
        }
        return fresh;
    }

    /**
     * Writes {@code content} to {@code file}, root-only, whole or not at all: into a synced temporary file moved into
     * place, so a crash never leaves half a key that the next start would take for damage and replace.
     */
    static void writeWhole(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) channel.write(bytes);
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
