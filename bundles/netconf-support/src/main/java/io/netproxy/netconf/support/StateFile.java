package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The small root-only file in which a {@link SharedSetting} records its state ({@code <name>.shared}), with the
 * lock file that keeps its read-modify-write runs apart ({@code <name>.lock}). The state is rewritten atomically (a
 * synced temporary file renamed over it). The lock file is never deleted, so that everyone always locks the same
 * file; each run opens it anew and takes an exclusive flock(2) lock, which keeps threads, class loaders (a
 * configurator bundle and its update, or both configurators) and processes apart alike.
 */
final class StateFile {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    @FunctionalInterface
    interface Locked<T> {
        T run() throws IOException;
    }

    private final JournalDirectory directory;
    private final String name;

    StateFile(JournalDirectory directory, String name) {
        this.directory = directory;
        this.name = name;
    }

    Path path() {
        return directory.directory().resolve(name + ".shared");
    }

    /** Runs {@code body} under the lock. */
    <T> T locked(Locked<T> body) throws IOException {
        directory.ensureExists();
        Path lock = directory.directory().resolve(name + ".lock");
        try (FileChannel channel = FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                OWNER_ONLY)) {
            FileLocks.lock(channel, lock);
            return body.run();
        }
    }

    @FunctionalInterface
    interface Parser<T> {
        T parse(String text) throws IOException;
    }

    /** The recorded state, if any; a file that does not parse is reported with its path and left in place. */
    <T> Optional<T> read(Parser<T> parser) throws IOException {
        Optional<String> text = read();
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(parser.parse(text.get()));
        } catch (IOException e) {
            throw new IOException("cannot read " + path() + ", left in place: " + e.getMessage(), e);
        }
    }

    /** The recorded text, if any. */
    private Optional<String> read() throws IOException {
        try {
            return Optional.of(Files.readString(path(), UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Replaces the file atomically and durably. */
    void write(String text) throws IOException {
        Path temporary = directory.directory().resolve(name + ".shared.tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(UTF_8));
            while (bytes.hasRemaining()) channel.write(bytes);
            channel.force(true);
        }
        Files.move(temporary, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Journal.syncDirectory(directory.directory());
    }

    void delete() throws IOException {
        Files.deleteIfExists(path());
        Journal.syncDirectory(directory.directory());
    }
}
