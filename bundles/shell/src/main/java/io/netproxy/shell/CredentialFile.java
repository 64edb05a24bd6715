package io.netproxy.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A password-mode server's credential file, as {@code netproxy passwd} writes it and {@code serve --password-credential}
 * ({@code passwordCredential} in etc/) reads it: comments, and one line {@code credential = BASE64} of the encoding
 * that {@code TunnelService.newPasswordCredential} returns (PROTOCOL.md 3.1). Root only, like a private key.
 */
final class CredentialFile {
    /** The encoding's first byte and length: protocol v2's credential. The engine checks the rest when it starts. */
    static final int VERSION = 2;
    static final int LENGTH = 113;
    private static final int PUBLIC_KEY_OFFSET = 49;

    private CredentialFile() {}

    /**
     * The credential of the file.
     *
     * @throws IOException naming the file, and the line, when it cannot be read or holds no credential
     */
    static byte[] read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1); // comments may be in any script
        } catch (IOException e) {
            throw new IOException("cannot read password credential file " + file + ": " + e.getMessage(), e);
        }
        byte[] credential = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = file + " line " + (i + 1);
            int equals = line.indexOf('=');
            if (equals < 0 || !line.substring(0, equals).trim().equals("credential") || credential != null) {
                throw new IOException(where + ": expected one line 'credential = ...' as 'netproxy passwd' writes it");
            }
            credential = decode(line.substring(equals + 1).trim(), where);
        }
        if (credential == null) {
            throw new IOException(file + " holds no 'credential = ...' line: make one with 'netproxy passwd " + file + "'");
        }
        return credential;
    }

    private static byte[] decode(String base64, String where) throws IOException {
        byte[] credential;
        try {
            credential = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": the credential is not base64");
        }
        if (credential.length != LENGTH || credential[0] != VERSION) {
            Arrays.fill(credential, (byte) 0);
            throw new IOException(where + ": not a password credential of protocol version " + VERSION + " (" + LENGTH
                    + " bytes): make a new one with 'netproxy passwd'");
        }
        return credential;
    }

    /** The server's public key the credential holds, as {@code --server-key} takes it. */
    static String publicKey(byte[] credential) {
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(credential, PUBLIC_KEY_OFFSET, PUBLIC_KEY_OFFSET + 32));
    }

    /**
     * Writes the credential to {@code file}, created 0600 and moved into place whole; an existing file is replaced only
     * when {@code replace}.
     */
    static void write(Path file, byte[] credential, boolean replace) throws IOException {
        if (!replace && Files.exists(file)) {
            throw new IOException(file + " exists; give --force to replace it: a server started from the new one has a"
                    + " new key and salt, which clients fetch again (those that pin its key need the new one)");
        }
        String text = "# netproxy password-mode server credential (protocol v2): a random salt and server key, and the\n"
                + "# password stretched under that salt. Root only: whoever reads it can answer clients in the server's\n"
                + "# place. Made by 'netproxy passwd'; used by 'serve --password-credential FILE' (passwordCredential\n"
                + "# in etc/).\n"
                + "# server public key (clients may pin it with --server-key): " + publicKey(credential) + "\n"
                + "credential = " + Base64.getEncoder().encodeToString(credential) + "\n";
        Path partial = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(partial,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true); // on disk before the rename makes it the credential
            channel.close();
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + e, e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
