package io.netproxy.netconf.support;

import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds how the resolver of this network namespace is configured, so that {@link SharedDns} gives it the tunnel's
 * DNS servers the way it expects. systemd-resolved and resolvconf serve the host's network namespace only (they
 * keep their state in the /run that all namespaces share), so another namespace is only ever given DNS servers
 * through the /etc/resolv.conf of its own that {@code ip netns exec NAME} mounts from
 * {@code /etc/netns/NAME/resolv.conf}, and never where that mount is missing (the file is the host's then).
 */
final class NamespaceResolver {
    /** Finds the namespace this process runs in, when it is first needed. */
    @FunctionalInterface
    interface ProcessNamespace {
        NetworkNamespace get() throws IOException;
    }

    private final SystemTools tools;
    private final NetworkNamespace namespace;
    private final ProcessNamespace process;
    private final Path resolvConf;
    private final Path resolvedRuntime;
    private final Path mountInfo;

    /**
     * @param namespace       the namespace configured
     * @param process         the namespace this process runs in, whose files it sees (commands may enter another)
     * @param resolvConf      the resolver file, {@code /etc/resolv.conf}
     * @param resolvedRuntime systemd-resolved's runtime directory, which exists while it runs
     * @param mountInfo       this process's mount table, {@code /proc/self/mountinfo}
     */
    NamespaceResolver(SystemTools tools, NetworkNamespace namespace, ProcessNamespace process, Path resolvConf,
                      Path resolvedRuntime, Path mountInfo) {
        this.tools = tools;
        this.namespace = namespace;
        this.process = process;
        this.resolvConf = resolvConf;
        this.resolvedRuntime = resolvedRuntime;
        this.mountInfo = mountInfo;
    }

    static NamespaceResolver onHost(SystemTools tools, NetworkNamespace namespace) {
        return new NamespaceResolver(tools, namespace, NetworkNamespace::current, Path.of("/etc/resolv.conf"),
                Path.of("/run/systemd/resolve"), Path.of("/proc/self/mountinfo"));
    }

    DnsMethod choose() throws IOException {
        requireProcessInside();
        if (!namespace.initial()) {
            if (namespace.name() != null && mountedFrom().orElse("").endsWith("/" + namespace.name() + "/resolv.conf")) {
                return DnsMethod.FILE_IN_PLACE;
            }
            throw new IOException("cannot apply the DNS servers pushed by the server: in " + namespace.describe()
                    + ", " + resolvConf + " is the host's own; give the namespace a resolver file of its own ("
                    + (namespace.name() != null ? "/etc/netns/" + namespace.name() + "/resolv.conf, which 'ip netns exec "
                    + namespace.name() + "' mounts there" : "/etc/netns/NAME/resolv.conf for 'ip netns exec NAME'")
                    + "), or connect with --no-dns");
        }
        if (Files.isDirectory(resolvedRuntime) && tools.has(Tool.RESOLVECTL)) return DnsMethod.RESOLVECTL;
        if (tools.has(Tool.RESOLVCONF)) return DnsMethod.RESOLVCONF;
        // a container's resolver file is a mount, which a rename cannot replace
        return mountedFrom().isPresent() ? DnsMethod.FILE_IN_PLACE : DnsMethod.FILE;
    }

    /** The resolver file, for a method that writes it; only ever the configured namespace's. */
    ResolvConfFile file(DnsMethod method) throws IOException {
        requireProcessInside();
        return new ResolvConfFile(resolvConf, method == DnsMethod.FILE_IN_PLACE);
    }

    /** Its commands may enter another namespace, but the files this process sees are those of its own. */
    private void requireProcessInside() throws IOException {
        NetworkNamespace own = process.get();
        if (own.inode() != namespace.inode()) {
            throw new IOException("cannot set the DNS servers: this process runs in " + own.describe() + ", not in "
                    + namespace.describe() + ", whose resolver it would set");
        }
    }

    /**
     * Where the mount on the resolver file (where its links lead) comes from, as a path in its file system
     * ({@code /etc/netns/NAME/resolv.conf}); empty when the file is no mount point.
     */
    private Optional<String> mountedFrom() throws IOException {
        if (!Files.exists(resolvConf)) return Optional.empty();
        String real = resolvConf.toRealPath().toString();
        Optional<String> source = Optional.empty();
        for (String line : Files.readAllLines(mountInfo)) {
            String[] fields = line.split(" ");
            // the last mount on a path is the one in effect
            if (fields.length > 4 && unescape(fields[4]).equals(real)) source = Optional.of(unescape(fields[3]));
        }
        return source;
    }

    /** The kernel writes space, tab, newline and backslash in mount points as octal escapes ({@code \040}). */
    static String unescape(String field) {
        StringBuilder text = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
