package io.netproxy.shell;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;

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
     * @param home the network namespace of this instance
     */
    String refusal(NetworkNamespace home) {
        if (uid != 0) return "netproxy: only root may drive netproxy (the command came from uid " + uid + ")";
        NetworkNamespace peer;
        try {
            peer = NetworkNamespace.ofProcess(pid);
        } catch (IOException e) {
            return "netproxy: cannot tell the network namespace of the command's process " + pid + ": " + e.getMessage();
        }
        if (peer.inode() == home.inode()) return null;
        return "netproxy: this instance runs in " + home.describe() + ", but the command came from " + peer.describe()
                + "; an instance only takes commands from its own namespace: " + home.howToEnter()
                + ", or start an instance in " + (peer.name() != null ? peer.name() : "that namespace");
    }

    /** The descriptor number the JDK keeps private in its socket channel. */
    private static int descriptor(SocketChannel channel) throws IOException {
        try {
            Field fd = channel.getClass().getDeclaredField("fdVal");
            fd.setAccessible(true);
            return fd.getInt(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot check who sent a control command: start the JVM with " + REQUIRED_JVM_FLAG, e);
        }
    }
}
