package io.netproxy.netconf.iptables;

import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Journals are kept per network namespace, in {@code netns-<inode>} below the configurator's directory: a
 * journal's undo steps only mean something in the namespace whose routes and rules they revert, and a state
 * directory can be shared by instances in several namespaces (NETPROXY_STATE_DIR, or a namespace that was
 * deleted and made again under the same name). Recovery reverts only the current namespace's records; those of
 * a namespace that still exists are left for an instance there, and those of a namespace that is gone are
 * dropped, since the kernel removed its routes and rules with it.
 */
final class NamespaceJournals {
    private static final String PREFIX = "netns-";
    static final String LABEL_FILE = "namespace";

    private final Path root;
    private final NetworkNamespace current;

    NamespaceJournals(Path root, NetworkNamespace current) {
        this.root = root;
        this.current = current;
    }

    /** The journal directory of the current namespace. */
    JournalDirectory own() {
        return new JournalDirectory(root.resolve(PREFIX + current.inode()), current.describe());
    }

    /** Whether another namespace left records here. */
    boolean othersLeftRecords() throws IOException {
        return !others().isEmpty();
    }

    /**
     * Drops the records of namespaces that no longer exist and names those left for namespaces that do.
     *
     * @return one line per other namespace, for the log
     */
    List<String> settleOthers() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path directory : others()) {
            long inode = Long.parseLong(directory.getFileName().toString().substring(PREFIX.length()));
            String label = label(directory);
            if (NetworkNamespace.exists(inode)) {
                lines.add("left the records in " + directory + " alone: they belong to " + label
                        + ", which still exists; run 'netproxy cleanup' there to revert them");
            } else {
                deleteTree(directory);
                lines.add("dropped the records in " + directory + ": " + label
                        + " no longer exists, and its routes and rules went with it");
            }
        }
        return lines;
    }

    private List<Path> others() throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        Path own = root.resolve(PREFIX + current.inode());
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                String suffix = entry.getFileName().toString().substring(PREFIX.length());
                if (!entry.equals(own) && Files.isDirectory(entry) && suffix.matches("[0-9]{1,19}")) others.add(entry);
            }
        }
        others.sort(Comparator.naturalOrder());
        return others;
    }

    private static String label(Path directory) {
        try {
            return Files.readString(directory.resolve(LABEL_FILE)).strip();
        } catch (IOException e) {
            return "the network namespace net:[" + directory.getFileName().toString().substring(PREFIX.length()) + "]";
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        }
    }
}
