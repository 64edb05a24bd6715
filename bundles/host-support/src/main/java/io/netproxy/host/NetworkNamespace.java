package io.netproxy.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Linux network namespace, identified by the inode of its nsfs file, with the name {@code ip netns} gives it
 * (if any). An instance of netproxy belongs to the namespace it runs in: its control socket, its state and its
 * journals are kept apart from those of instances in other namespaces, since {@code ip netns exec} changes the
 * network namespace but shares /run and /var/lib.
 *
 * @param inode   the namespace's inode number, as in {@code readlink /proc/self/ns/net} ("net:[4026531840]")
 * @param name    the name under /run/netns that points at it, or null when it has none
 * @param initial whether it is the namespace of process 1 (the host's own, outside of containers); where process 1
 *                cannot be looked at (a sandbox), every namespace without an {@code ip netns} name counts as it
 */
public record NetworkNamespace(long inode, String name, boolean initial) {
    /** Where {@code ip netns add} pins named namespaces. */
    static final Path NAMED = Path.of("/run/netns");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** The namespace this process runs in. */
    public static NetworkNamespace current() throws IOException {
        return of(inodeOf(Path.of("/proc/self/ns/net")), null);
    }

    /** The namespace that {@code ip netns add NAME} made. */
    public static NetworkNamespace named(String name) throws IOException {
        return of(inodeOf(NAMED.resolve(name)), name);
    }

    /** The namespace a running process is in, as seen from this one. */
    public static NetworkNamespace ofProcess(long pid) throws IOException {
        return of(inodeOf(Path.of("/proc", Long.toString(pid), "ns", "net")), null);
    }

    private static NetworkNamespace of(long inode, String knownName) {
        String name = knownName != null ? knownName : nameOf(inode).orElse(null);
        boolean initial;
        try {
            initial = inode == inodeOf(Path.of("/proc/1/ns/net"));
        } catch (IOException notAllowed) {
            // not root, or a sandbox that hides process 1: namespaces made with ip netns have names, the host's has none
            initial = name == null;
        }
        return new NetworkNamespace(inode, name, initial);
    }

    /**
     * A key for per-namespace directories: the {@code ip netns} name when it is a safe file name, else
     * {@code inode-N}. A name survives the namespace being deleted and made again, so a named namespace's
     * state (client ids, logs) is found again.
     */
    public String directoryKey() {
        return name != null && SAFE_NAME.matcher(name).matches() && !name.startsWith(".") ? name : "inode-" + inode;
    }

    /** For messages: {@code "network namespace A (net:[4026532301])"}, or the host's. */
    public String describe() {
        String id = "net:[" + inode + "]";
        if (initial) return "the initial network namespace (" + id + ")";
        return name != null ? "network namespace " + name + " (" + id + ")" : "an unnamed network namespace (" + id + ")";
    }

    /** How to run a command in this namespace, for advice in messages. */
    public String howToEnter() {
        if (initial) return "run it outside of any 'ip netns exec'";
        return name != null ? "run it with 'ip netns exec " + name + " ...'"
                : "run it with 'nsenter --net=/proc/PID/ns/net ...' for a process PID of that namespace";
    }

    /**
     * Whether a namespace still exists: some process is in it or it is pinned by a mount (ip netns, docker).
     * A namespace held only by an open descriptor is not seen, so callers only use a negative answer to drop
     * records of changes that were made in it (the kernel removed them with the namespace).
     */
    public static boolean exists(long inode) throws IOException {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    if (inodeOf(process.resolve("ns/net")) == inode) return true;
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        String pinned = "net:[" + inode + "]";
        for (String mount : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (mount.contains(" nsfs ") && mount.contains(pinned)) return true;
        }
        return false;
    }

    /** The name /run/netns gives the namespace with this inode, as {@code ip netns identify} prints it. */
    static Optional<String> nameOf(long inode) {
        if (!Files.isDirectory(NAMED)) return Optional.empty();
        try (DirectoryStream<Path> names = Files.newDirectoryStream(NAMED)) {
            for (Path name : names) {
                try {
                    if (inodeOf(name) == inode) return Optional.of(name.getFileName().toString());
                } catch (IOException notANamespace) {
                    // a file whose mount is gone: ip netns shows it too, but it names nothing
                }
            }
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The nsfs inode of a namespace file; a plain file (an /run/netns entry whose mount is gone) is not one. */
    static long inodeOf(Path nsFile) throws IOException {
        // every namespace file lives on the one nsfs of the kernel, the device of our own
        Object nsfs = Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:dev");
        if (!nsfs.equals(Files.getAttribute(nsFile, "unix:dev"))) throw new IOException(nsFile + " is not a namespace");
        return ((Number) Files.getAttribute(nsFile, "unix:ino")).longValue();
    }
}
