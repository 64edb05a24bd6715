package io.netproxy.launcher;

import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an installation keeps its files. An instance belongs to its network namespace: in the initial one it
 * uses /run/netproxy and /var/lib/netproxy; in any other (`ip netns exec A ...`, which keeps /run and /var/lib
 * shared) it uses {@code netns/<name>} below both, so the control socket, pid file, log, Felix cache, journals
 * and client ids of instances in different namespaces never meet. NETPROXY_RUN_DIR and NETPROXY_STATE_DIR
 * override both choices.
 */
record Layout(Path home, Path runDir, Path stateDir, NetworkNamespace namespace) {
    static final Path DEFAULT_RUN = Path.of("/run/netproxy");
    static final Path DEFAULT_STATE = Path.of("/var/lib/netproxy");

    static Layout fromEnvironment() throws IOException {
        Path home = Path.of(System.getProperty("netproxy.home", ".")).toAbsolutePath().normalize();
        NetworkNamespace namespace = NetworkNamespace.current();
        return new Layout(home, dir(System.getenv("NETPROXY_RUN_DIR"), DEFAULT_RUN, namespace),
                dir(System.getenv("NETPROXY_STATE_DIR"), DEFAULT_STATE, namespace), namespace);
    }

    /** The directory named by an environment variable, else the default one of the namespace. */
    static Path dir(String override, Path base, NetworkNamespace namespace) {
        if (override != null && !override.isBlank()) return Path.of(override);
        return namespace.initial() ? base : base.resolve("netns").resolve(namespace.directoryKey());
    }

    /**
     * The configuration directory, {@code etc/} of the installation. Where that is a symbolic link (the Debian package
     * links /opt/netproxy/etc to /etc/netproxy), the directory it leads to, so that messages and {@code status} name
     * the files where they are.
     */
    Path etc() {
        Path etc = home.resolve("etc");
        if (!Files.isSymbolicLink(etc)) return etc;
        try {
            return etc.toRealPath();
        } catch (IOException dangling) {
            return etc;
        }
    }
    Path bundles() { return home.resolve("bundle"); }
    Path controlSocket() { return runDir.resolve("control.sock"); }
    Path pidFile() { return runDir.resolve("netproxy.pid"); }
    Path logFile() {
        String log = System.getenv("NETPROXY_LOG");
        return log == null || log.isBlank() ? stateDir.resolve("netproxy.log") : Path.of(log);
    }
    Path felixCache() { return stateDir.resolve("felix-cache"); }
}
