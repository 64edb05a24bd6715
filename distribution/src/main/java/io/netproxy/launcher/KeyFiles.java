package io.netproxy.launcher;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.util.Arrays;
import java.util.Base64;

/** {@code genkey}: a new X25519 static keypair, the private key written to a 0600 file, base64 like WireGuard's. */
final class KeyFiles {
    private KeyFiles() {}

    /** Writes the private key to {@code file} and its public key to {@code file.pub}; returns the public key. */
    static String generate(Path file) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK has no X25519 key generator", e);
        }
        byte[] privateKey = ((XECPrivateKey) pair.getPrivate()).getScalar()
                .orElseThrow(() -> new IOException("the JDK did not expose the private scalar"));
        byte[] publicKey = littleEndian32(((XECPublicKey) pair.getPublic()).getU());
        try {
            if (Files.exists(file)) throw new IOException(file + " exists; not overwriting a key");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] encoded = (Base64.getEncoder().encodeToString(privateKey) + "\n").getBytes(StandardCharsets.US_ASCII);
            Files.write(file, encoded, StandardOpenOption.TRUNCATE_EXISTING);
            Arrays.fill(encoded, (byte) 0);
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
        String pub = Base64.getEncoder().encodeToString(publicKey);
        Files.writeString(Path.of(file + ".pub"), pub + "\n");
        return pub;
    }

    private static byte[] littleEndian32(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < bigEndian.length; i++) out[i] = bigEndian[bigEndian.length - 1 - i];
        return out;
    }
}
