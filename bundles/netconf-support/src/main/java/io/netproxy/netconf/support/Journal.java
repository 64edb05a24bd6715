package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The on-disk list of one tunnel's undo steps, one line each, appended and synced before the change it
 * reverts is made. The owner holds an exclusive flock(2) lock for as long as the changes are in place, so a
 * recovery (in this process or another, from any class loader) leaves a live tunnel's journal alone; the
 * kernel drops the lock when the owner dies. A finished journal is emptied before it is deleted, so a reader
 * that opened it just before sees nothing to do.
 *
 * <p>Line format: tool, description, stdin, then the arguments, separated by tabs, with backslash, tab and
 * newline escaped. A last line without its newline was torn by a crash before its change was made, so it is
 * ignored.
 */
public final class Journal implements Closeable {
    private static final String FIELD_SEPARATOR = "\t";

    private final Path file;
    private final FileChannel channel;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static Journal create(Path file, JournalKey key) throws IOException {
        FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            // a recovery that opened the new file first sees it empty, so it leaves it alone; then this waits
            FileLocks.lock(channel, file);
            Journal journal = new Journal(file, channel);
            journal.write("# netproxy " + key.configurator() + " journal of tunnel " + key.tunnelId()
                    + ": undo steps of the changes made, to be run last first\n");
            syncDirectory(file.getParent());
            return journal;
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Opens a journal nobody holds, or returns empty when its owner is still running. */
    static Optional<Journal> openIfAbandoned(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (FileLocks.tryLock(channel, file)) return Optional.of(new Journal(file, channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        // closing this descriptor leaves the owner's lock alone: flock locks belong to the owner's own open
        channel.close();
        return Optional.empty();
    }

    /**
     * Whether a running configurator (this process or another) holds the journal. A missing, abandoned or
     * finished journal is not live.
     */
    static boolean isLive(Path file) throws IOException {
        if (!Files.exists(file)) return false;
        Optional<Journal> abandoned;
        try {
            abandoned = openIfAbandoned(file);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (abandoned.isEmpty()) return true;
        abandoned.get().close();
        return false;
    }

    public Path file() {
        return file;
    }

    public void append(UndoStep step) throws IOException {
        List<String> fields = new ArrayList<>(List.of(step.tool().command(), step.description(), step.input()));
        fields.addAll(step.args());
        write(String.join(FIELD_SEPARATOR, fields.stream().map(Journal::escape).toList()) + "\n");
    }

    /** Whether the owner emptied it: its changes are reverted and it is about to disappear. */
    boolean isFinished() throws IOException {
        return channel.size() == 0;
    }

    /** The undo steps in the order their changes were made; empty for a journal its owner already finished. */
    public List<UndoStep> steps() throws IOException {
        ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(channel.size()));
        while (content.hasRemaining()) {
            if (channel.read(content, content.position()) < 0) break;
        }
        return parse(new String(content.array(), 0, content.position(), UTF_8));
    }

    static List<UndoStep> parse(String text) throws IOException {
        List<UndoStep> steps = new ArrayList<>();
        int complete = text.lastIndexOf('\n') + 1;
        for (String line : text.substring(0, complete).split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] fields = line.split(FIELD_SEPARATOR, -1);
            if (fields.length < 3) throw new IOException("malformed journal line: " + line);
            try {
                List<String> args = new ArrayList<>();
                for (int i = 3; i < fields.length; i++) args.add(unescape(fields[i]));
                steps.add(new UndoStep(Tool.byCommand(fields[0]), args, unescape(fields[2]), unescape(fields[1])));
            } catch (IllegalArgumentException e) {
                throw new IOException("malformed journal line: " + line, e);
            }
        }
        return steps;
    }

    /** Empties, deletes and releases the journal: its changes are reverted. */
    void delete() throws IOException {
        try {
            channel.truncate(0);
            channel.force(true);
            Files.deleteIfExists(file);
        } finally {
            close();
        }
    }

    /** Releases the journal (closing its only descriptor ends the lock) and leaves it on disk. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void write(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(UTF_8));
        long position = channel.size();
        while (bytes.hasRemaining()) position += channel.write(bytes, position);
        channel.force(true);
    }

    /** Makes the new file's directory entry durable, so a crash cannot lose a journal whose changes were made. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel handle = FileChannel.open(directory, StandardOpenOption.READ)) {
            handle.force(true);
        }
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String text) {
        StringBuilder result = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                result.append(c);
                continue;
            }
            if (++i == text.length()) throw new IllegalArgumentException("dangling backslash");
            switch (text.charAt(i)) {
                case '\\' -> result.append('\\');
                case 't' -> result.append('\t');
                case 'n' -> result.append('\n');
                default -> throw new IllegalArgumentException("unknown escape \\" + text.charAt(i));
            }
        }
        return result.toString();
    }
}
