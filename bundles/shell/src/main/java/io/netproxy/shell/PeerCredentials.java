package io.netproxy.shell;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who is on the other end of a control connection, as the kernel says (SO_PEERCRED): a command is only taken
 * from root in this instance's own network namespace. Files under /run are shared by every namespace, so a
 * socket found there may belong to an instance in another one; acting on its behalf would change the wrong
 * namespace's routes.
 */
final class PeerCredentials {
    static final String REQUIRED_JVM_FLAG = "--add-opens java.base/sun.nio.ch=ALL-UNNAMED";
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;

    static {
        Native.register(PeerCredentials.class, Platform.C_LIBRARY_NAME);
    }

    private static native int getsockopt(int fd, int level, int option, int[] value, int[] length);

    private final long pid;
    private final int uid;

    private PeerCredentials(long pid, int uid) {
        this.pid = pid;
        this.uid = uid;
    }

    static PeerCredentials of(SocketChannel channel) throws IOException {
        int[] ucred = new int[3]; // struct ucred: pid, uid, gid
        int[] length = {12};
        if (getsockopt(descriptor(channel), SOL_SOCKET, SO_PEERCRED, ucred, length) != 0) {
            throw new IOException("getsockopt(SO_PEERCRED) failed, errno " + Native.getLastError());
        }
        return new PeerCredentials(ucred[0], ucred[1]);
    }

    /**
     * Why a command from this peer is refused, or null when it may go ahead.
     *
     * @param home     the network namespace of this instance
     * @param listener the inode of the control socket's listening socket, which lives in {@code home}
     */
    String refusal(NetworkNamespace home, long listener) {
        if (uid != 0) return "netproxy: only root may drive netproxy (the command came from uid " + uid + ")";
        NetworkNamespace peer;
        try {
            peer = NetworkNamespace.ofProcess(pid);
        } catch (IOException e) {
            // An instance whose capabilities were cut down (a systemd unit's CapabilityBoundingSet) may not look at
            // the namespace of a process that has more (the kernel's ptrace check), such as root's shell. It may read
            // which Unix sockets the process's namespace has: the control socket is among them in its own namespace.
            Optional<Boolean> same = listsSocket(pid, listener);
            if (same.isPresent() && same.get()) return null;
            if (same.isPresent()) {
                return "netproxy: this instance runs in " + home.describe() + ", but the command came from another"
                        + " network namespace (process " + pid + "); an instance only takes commands from its own"
                        + " namespace: " + home.howToEnter();
            }
            return "netproxy: cannot tell the network namespace of the command's process " + pid + ": " + e.getMessage();
        }
        if (peer.inode() == home.inode()) return null;
        return "netproxy: this instance runs in " + home.describe() + ", but the command came from " + peer.describe()
                + "; an instance only takes commands from its own namespace: " + home.howToEnter()
                + ", or start an instance in " + (peer.name() != null ? peer.name() : "that namespace");
    }

    /**
     * Whether the network namespace of process {@code pid} has the Unix socket with inode {@code socket}, from
     * {@code /proc/PID/net/unix} (columns Num, RefCount, Protocol, Flags, Type, St, Inode, Path); empty when that
     * cannot be read.
     */
    static Optional<Boolean> listsSocket(long pid, long socket) {
        if (socket <= 0) return Optional.empty();
        String inode = Long.toString(socket);
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "net", "unix"))) {
            return Optional.of(lines.skip(1).map(line -> line.trim().split("\\s+"))
                    .anyMatch(columns -> columns.length > 6 && columns[6].equals(inode)));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The inode of a listening socket of this process ({@code /proc/self/fd/N} reads {@code socket:[INODE]}). */
    static long inode(NetworkChannel channel) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(descriptor(channel)))).toString();
        if (!link.startsWith("socket:[") || !link.endsWith("]")) throw new IOException("not a socket: " + link);
        return Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
    }

    /** The descriptor number the JDK keeps private in its socket channels. */
    private static int descriptor(NetworkChannel channel) throws IOException {
        try {
            Field fd = channel.getClass().getDeclaredField("fdVal");
            fd.setAccessible(true);
            return fd.getInt(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot check who sent a control command: start the JVM with " + REQUIRED_JVM_FLAG, e);
        }
    }
}
