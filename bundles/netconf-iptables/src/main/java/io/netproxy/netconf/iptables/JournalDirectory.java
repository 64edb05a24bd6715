package io.netproxy.netconf.iptables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/** The directory holding one journal per tunnel of one network namespace, readable by root only. */
final class JournalDirectory {
    private static final String SUFFIX = ".journal";

    private final Path directory;
    private final String namespace;

    /** @param namespace the namespace the journals belong to, for messages in other namespaces */
    JournalDirectory(Path directory, String namespace) {
        this.directory = directory;
        this.namespace = namespace;
    }

    Path fileOf(String tunnelId) {
        return directory.resolve(tunnelId + SUFFIX);
    }

    Path directory() {
        return directory;
    }

    void ensureExists() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(directory.resolve(NamespaceJournals.LABEL_FILE), namespace + "\n");
        }
    }

    Journal create(String tunnelId) throws IOException {
        ensureExists();
        return Journal.create(fileOf(tunnelId), tunnelId);
    }

    /** Whether the tunnel's journal is held by a running configurator, in this process or another. */
    boolean isLive(String tunnelId) throws IOException {
        return Journal.isLive(fileOf(tunnelId));
    }

    List<Path> journals() throws IOException {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    static String tunnelIdOf(Path journal) {
        String name = journal.getFileName().toString();
        return name.substring(0, name.length() - SUFFIX.length());
    }
}
