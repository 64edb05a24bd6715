package io.netproxy.netconf.support;

import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Journals are kept per network namespace, in {@code netns-<inode>-<boot>} below the configurator's directory:
 * a journal's undo steps only mean something in the namespace whose routes and rules they revert, and a state
 * directory can be shared by instances in several namespaces (NETPROXY_STATE_DIR, or a namespace that was
 * deleted and made again under the same name). Recovery reverts only the current namespace's records; those of
 * a namespace that still exists are left for an instance there, and those of a namespace that is gone are
 * dropped, since the kernel removed its routes and rules with it. The boot id is part of the key because the
 * kernel hands out namespace inodes anew at every boot (the initial namespace always has the same one): records
 * of an earlier boot describe changes that the reboot undid.
 */
public final class NamespaceJournals {
    private static final String PREFIX = "netns-";
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    static final String LABEL_FILE = "namespace";

    private final Path root;
    private final NetworkNamespace current;
    private final String boot;

    public NamespaceJournals(Path root, NetworkNamespace current) throws IOException {
        this(root, current, Files.readString(BOOT_ID).strip().replace("-", "").substring(0, 12));
    }

    /**
     * The journals of the current namespace under {@code <stateDirectory>/netconf}, shared by every configurator.
     *
     * @param stateDirectory the launcher's {@code netproxy.state.dir} framework property, null or blank if unset
     */
    public static NamespaceJournals inStateDirectory(String stateDirectory) throws IOException {
        String dir = stateDirectory == null || stateDirectory.isBlank() ? "/var/lib/netproxy" : stateDirectory;
        return new NamespaceJournals(Path.of(dir, "netconf"), NetworkNamespace.current());
    }

    /** @param boot this boot's id (the first 12 hex digits of the kernel's boot_id) */
    NamespaceJournals(Path root, NetworkNamespace current, String boot) {
        this.root = root;
        this.current = current;
        this.boot = boot;
    }

    /** The namespace whose journals these are: the current one. */
    NetworkNamespace namespace() {
        return current;
    }

    /** The journal directory of the current namespace. */
    public JournalDirectory own() {
        return new JournalDirectory(ownPath(), current.describe());
    }

    private Path ownPath() {
        return root.resolve(PREFIX + current.inode() + "-" + boot);
    }

    /** Whether another namespace left records here. */
    boolean othersLeftRecords() throws IOException {
        return !others().isEmpty();
    }

    /**
     * Drops the records of namespaces that no longer exist and names those left for namespaces that do. The host's
     * namespace is the same one after a reboot: what its earlier boot's records name in {@code lastingStateFiles}
     * (changes of files on disk, which a reboot does not undo) is carried into its own directory, to be reverted
     * there.
     *
     * @return one line per other namespace, for the log
     */
    List<String> settleOthers(Collection<String> lastingStateFiles) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path directory : others()) {
            String[] key = directory.getFileName().toString().substring(PREFIX.length()).split("-");
            long inode = Long.parseLong(key[0]);
            String label = label(directory);
            if (!key[1].equals(boot)) {
                if (inode == current.inode() && current.initial()) lines.addAll(carryOver(directory, lastingStateFiles));
                deleteTree(directory);
                lines.add("dropped the records in " + directory + ": they are from an earlier boot of " + label
                        + ", and the reboot undid their changes");
            } else if (NetworkNamespace.exists(inode)) {
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

    private List<String> carryOver(Path earlierBoot, Collection<String> stateFiles) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String name : stateFiles) {
            Path from = earlierBoot.resolve(name);
            if (!Files.exists(from)) continue;
            JournalDirectory own = own();
            own.ensureExists();
            Path to = ownPath().resolve(name);
            if (Files.exists(to)) {
                lines.add("kept " + to + " rather than " + from + " of an earlier boot");
                continue;
            }
            Files.move(from, to);
            Journal.syncDirectory(ownPath());
            lines.add("carried " + name + " over from an earlier boot, to be reverted now: a reboot does not undo it");
        }
        return lines;
    }

    private List<Path> others() throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        Path own = ownPath();
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                String suffix = entry.getFileName().toString().substring(PREFIX.length());
                if (!entry.equals(own) && Files.isDirectory(entry) && suffix.matches("[0-9]{1,19}-[0-9a-f]{12}")) {
                    others.add(entry);
                }
            }
        }
        others.sort(Comparator.naturalOrder());
        return others;
    }

    private static String label(Path directory) {
        try {
            return Files.readString(directory.resolve(LABEL_FILE)).strip();
        } catch (IOException e) {
            return "the network namespace net:[" + directory.getFileName().toString().substring(PREFIX.length()).split("-")[0] + "]";
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        }
    }
}
