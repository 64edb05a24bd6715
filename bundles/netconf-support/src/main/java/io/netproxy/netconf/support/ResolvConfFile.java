package io.netproxy.netconf.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The resolver file of this mount namespace ({@code /etc/resolv.conf}), written with netproxy's DNS servers and put
 * back as it was.
 *
 * <p>Where it is the host's own file it is replaced: a new file renamed over it, so a symbolic link (to
 * systemd-resolved's stub, say) is replaced rather than written through, and a link is put back as a link. Where it
 * is a mount of its own (what {@code ip netns exec NAME} binds from {@code /etc/netns/NAME/resolv.conf}, or a
 * container's) it is written in place: a rename over a mount point fails, and one over a symbolic link leading to it
 * would change the file that every namespace shares.
 */
final class ResolvConfFile {
    private static final String TEMPORARY_NAME = ".resolv.conf.netproxy";

    private final Path path;
    private final boolean inPlace;

    ResolvConfFile(Path path, boolean inPlace) {
        this.path = path;
        this.inPlace = inPlace;
    }

    Path path() {
        return path;
    }

    ResolvConfOriginal capture() throws IOException {
        if (!inPlace && Files.isSymbolicLink(path)) return ResolvConfOriginal.symlink(Files.readSymbolicLink(path).toString());
        if (!inPlace && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return ResolvConfOriginal.absent();
        return ResolvConfOriginal.file(Files.readAllBytes(path),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    /** Writes {@code text}, readable by everyone (every program resolves names). */
    void write(String text) throws IOException {
        writeFile(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII), "rw-r--r--");
    }

    void restore(ResolvConfOriginal original) throws IOException {
        switch (original.kind()) {
            case FILE -> writeFile(original.content(), original.permissions());
            case SYMLINK -> {
                if (inPlace) throw new IOException(path + " is written in place and cannot become a symbolic link");
                Path temporary = temporary();
                Files.createSymbolicLink(temporary, Path.of(original.linkTarget()));
                moveOver(temporary);
            }
            case ABSENT -> {
                if (inPlace) throw new IOException(path + " is written in place and cannot be removed");
                Files.deleteIfExists(path);
                Journal.syncDirectory(path.getParent());
            }
        }
    }

    private void writeFile(byte[] content, String permissions) throws IOException {
        if (inPlace) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(channel, content);
            }
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
            return;
        }
        Path temporary = temporary();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAll(channel, content);
        }
        // set after creating, so that the umask does not narrow them
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
        moveOver(temporary);
    }

    private static void writeAll(FileChannel channel, byte[] content) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        while (bytes.hasRemaining()) channel.write(bytes);
        channel.force(true);
    }

    /** A fresh temporary name beside the file, so that the rename stays in its directory and file system. */
    private Path temporary() throws IOException {
        Path temporary = path.resolveSibling(TEMPORARY_NAME);
        Files.deleteIfExists(temporary);
        return temporary;
    }

    private void moveOver(Path temporary) throws IOException {
        try {
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Journal.syncDirectory(path.getParent());
    }
}
