package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.Base64;

/**
 * What the resolver file was before netproxy wrote it, to be put back exactly: a symbolic link (its target as
 * written, such as systemd-resolved's {@code ../run/systemd/resolve/stub-resolv.conf}), a file (its bytes and
 * permissions) or nothing. Encoded on one line of a state file, the bytes and target in base64.
 */
record ResolvConfOriginal(Kind kind, String linkTarget, byte[] content, String permissions) {
    enum Kind { SYMLINK, FILE, ABSENT }

    static ResolvConfOriginal symlink(String target) {
        return new ResolvConfOriginal(Kind.SYMLINK, target, null, null);
    }

    /** @param permissions as {@code PosixFilePermissions.toString} writes them, {@code rw-r--r--} */
    static ResolvConfOriginal file(byte[] content, String permissions) {
        return new ResolvConfOriginal(Kind.FILE, null, content.clone(), permissions);
    }

    static ResolvConfOriginal absent() {
        return new ResolvConfOriginal(Kind.ABSENT, null, null, null);
    }

    String encode() {
        return switch (kind) {
            case SYMLINK -> "symlink " + Base64.getEncoder().encodeToString(linkTarget.getBytes(UTF_8));
            case FILE -> "file " + permissions + " " + Base64.getEncoder().encodeToString(content);
            case ABSENT -> "absent";
        };
    }

    static ResolvConfOriginal decode(String text) throws IOException {
        String[] fields = text.split(" ");
        try {
            if (fields.length == 2 && fields[0].equals("symlink")) {
                return symlink(new String(Base64.getDecoder().decode(fields[1]), UTF_8));
            }
            if (fields.length == 3 && fields[0].equals("file") && fields[1].matches("[rwx-]{9}")) {
                return file(Base64.getDecoder().decode(fields[2]), fields[1]);
            }
            if (fields.length == 1 && fields[0].equals("absent")) return absent();
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed original resolver file: " + text, e);
        }
        throw new IOException("malformed original resolver file: " + text);
    }

    /** For the log: what is put back. */
    String describe() {
        return switch (kind) {
            case SYMLINK -> "the symbolic link to " + linkTarget;
            case FILE -> "the file as it was (" + content.length + " bytes, " + permissions + ")";
            case ABSENT -> "no file, as before";
        };
    }
}
