package io.netproxy.examples.obfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads the shared obfuscation key from a file readable by its owner only, and derives the AES-256 key of the
 * keystream from it with SHA-256 (so any 16 bytes or more will do, text or binary). Neither the file's content nor
 * the key ever appears in a message.
 */
final class ObfsKey {
    static final int MIN_BYTES = 16;
    private static final byte[] LABEL = "netproxy obfs v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private ObfsKey() {
    }

    static SecretKeySpec read(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        permissions.retainAll(OTHERS);
        if (!permissions.isEmpty()) {
            throw new IOException("the obfuscation key file " + file + " must be readable by its owner only (chmod 600)");
        }
        byte[] content = Files.readAllBytes(file);
        try {
            // a key written with echo ends in a newline that is not part of it
            int length = content.length;
            while (length > 0 && (content[length - 1] == '\n' || content[length - 1] == '\r')) length--;
            if (length < MIN_BYTES) {
                throw new IOException("the obfuscation key file " + file + " holds " + length + " bytes; at least "
                        + MIN_BYTES + " are needed (head -c 32 /dev/urandom)");
            }
            return derive(content, length);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    static SecretKeySpec derive(byte[] secret, int length) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(LABEL);
            sha256.update(secret, 0, length);
            byte[] key = sha256.digest();
            try {
                return new SecretKeySpec(key, "AES");
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
