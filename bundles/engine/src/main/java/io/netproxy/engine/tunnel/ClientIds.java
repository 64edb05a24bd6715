package io.netproxy.engine.tunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 16-byte id a client sends in its handshake. Password-mode clients share one static key, so the
 * server tells them apart (and keeps each one's address lease) by this id; keeping it in the state
 * directory gives a restarted client its address back instead of a second lease.
 */
final class ClientIds {
    private static final Logger LOG = LoggerFactory.getLogger(ClientIds.class);
    private static final int LENGTH = 16;

    private ClientIds() {}

    /**
     * The stored id of this tunnel, created on first use; a fresh random one when there is no state directory.
     *
     * @param stateDir the instance's state directory, or null
     */
    static byte[] forTunnel(Path stateDir, String tunnelName) {
        byte[] fresh = new byte[LENGTH];
        new SecureRandom().nextBytes(fresh);
        if (stateDir == null) return fresh;
        Path file = stateDir.resolve("client-id-" + tunnelName);
        try {
            if (Files.exists(file)) {
                byte[] stored = Files.readAllBytes(file);
                if (stored.length == LENGTH) return stored;
                LOG.warn("{} is not a client id ({} bytes); replacing it", file, stored.length);
                Files.delete(file);
            }
            Files.createDirectories(file.getParent());
            Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), fresh);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot keep the client id in {} ({}); using a new one for this run", file, e.getMessage());
        }
        return fresh;
    }
}
