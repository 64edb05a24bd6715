package io.netproxy.netconf.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory of one network namespace's journals, one per tunnel and configurator
 * ({@code <tunnelId>.<configurator>.journal}), readable by root only. Every configurator keeps its journals and
 * shared settings here, so either can revert what the other left behind.
 */
public final class JournalDirectory {
    private static final String SUFFIX = ".journal";

    private final Path directory;
    private final String namespace;

    /** @param namespace the namespace the journals belong to, for messages in other namespaces */
    public JournalDirectory(Path directory, String namespace) {
        this.directory = directory;
        this.namespace = namespace;
    }

    public Path fileOf(JournalKey key) {
        return directory.resolve(key + SUFFIX);
    }

    public Path directory() {
        return directory;
    }

    void ensureExists() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(directory.resolve(NamespaceJournals.LABEL_FILE), namespace + "\n");
        }
    }

    public Journal create(JournalKey key) throws IOException {
        ensureExists();
        return Journal.create(fileOf(key), key);
    }

    /** Whether the journal is held by a running configurator, in this process or another. */
    public boolean isLive(JournalKey key) throws IOException {
        return Journal.isLive(fileOf(key));
    }

    /** The journal files, of every configurator; files whose names are not journal keys are left out. */
    public List<Path> journals() throws IOException {
        if (!Files.isDirectory(directory)) return List.of();
        List<Path> journals = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                if (keyOf(file).isPresent()) journals.add(file);
            }
        }
        return journals;
    }

    /** The journals of one tunnel, whichever configurator wrote them. */
    List<Path> journalsOf(String tunnelId) throws IOException {
        List<Path> journals = new ArrayList<>();
        for (Path file : journals()) {
            if (keyOf(file).orElseThrow().tunnelId().equals(tunnelId)) journals.add(file);
        }
        return journals;
    }

    static Optional<JournalKey> keyOf(Path journal) {
        String name = journal.getFileName().toString();
        if (!name.endsWith(SUFFIX)) return Optional.empty();
        try {
            return Optional.of(JournalKey.parse(name.substring(0, name.length() - SUFFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
