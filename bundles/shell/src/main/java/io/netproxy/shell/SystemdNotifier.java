package io.netproxy.shell;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The service manager's readiness protocol (sd_notify(3)): newline-separated assignments such as {@code READY=1},
 * {@code STATUS=...} and {@code STOPPING=1}, sent as one datagram to the AF_UNIX socket that systemd names in
 * {@code NOTIFY_SOCKET} for a {@code Type=notify} unit, an absolute path or, starting with {@code @}, an address in the
 * abstract namespace. The JDK has no datagram sockets of that family, so socket(2) and sendto(2) are called through
 * a JNA direct mapping of libc. systemd learns the sender from the datagram's credentials: the JVM itself, the unit's
 * main process, sends it.
 */
final class SystemdNotifier {
    static final String SOCKET_ENV = "NOTIFY_SOCKET";

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000; // O_CLOEXEC on x86, arm, riscv and s390
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EINTR = 4;
    /** sizeof(struct sockaddr_un): a 2-byte family and 108 bytes of path. */
    private static final int SUN_PATH = 108;

    static {
        Native.register(SystemdNotifier.class, Platform.C_LIBRARY_NAME);
    }

    private static native int socket(int domain, int type, int protocol);

    private static native NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength);

    private static native int close(int fd);

    private final String socket;

    /** @param socket the value of {@code NOTIFY_SOCKET} */
    SystemdNotifier(String socket) {
        this.socket = socket;
    }

    /** The notifier of this process's service manager; null when it runs under none ({@code NOTIFY_SOCKET} unset). */
    static SystemdNotifier fromEnvironment() {
        String socket = System.getenv(SOCKET_ENV);
        return socket == null || socket.isEmpty() ? null : new SystemdNotifier(socket);
    }

    /** Sends the assignments (each {@code NAME=value} without a line break) as one datagram. */
    void send(List<String> assignments) throws IOException {
        StringBuilder message = new StringBuilder();
        for (String assignment : assignments) {
            if (assignment.indexOf('=') <= 0 || assignment.indexOf('\n') >= 0) {
                throw new IOException("not a NAME=value assignment on one line: '" + assignment + "'");
            }
            message.append(assignment).append('\n');
        }
        byte[] payload = message.toString().getBytes(StandardCharsets.UTF_8);
        byte[] address = address(socket);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed, errno " + Native.getLastError());
        try {
            while (true) {
                long sent = sendto(fd, payload, new NativeLong(payload.length), MSG_NOSIGNAL, address, address.length).longValue();
                if (sent == payload.length) return;
                int errno = Native.getLastError();
                if (sent < 0 && errno == EINTR) continue;
                throw new IOException(sent < 0 ? "sending to " + SOCKET_ENV + "=" + socket + " failed, errno " + errno
                        : "only " + sent + " of " + payload.length + " bytes were sent to " + socket);
            }
        } finally {
            close(fd);
        }
    }

    /**
     * The {@code struct sockaddr_un} for a socket path, exactly as long as it needs to be: family, then the path and
     * its terminating NUL, or for {@code @name} a NUL and the name (an abstract address's length counts every byte).
     */
    static byte[] address(String socket) throws IOException {
        boolean abstractAddress = socket.startsWith("@");
        if (!abstractAddress && !socket.startsWith("/")) {
            throw new IOException(SOCKET_ENV + " is neither an absolute path nor an abstract address (@...): '" + socket + "'");
        }
        byte[] name = (abstractAddress ? socket.substring(1) : socket).getBytes(StandardCharsets.UTF_8);
        int pathLength = name.length + 1; // the NUL: a path's terminator, or the abstract address's first byte
        if (pathLength > SUN_PATH) throw new IOException(SOCKET_ENV + " is too long for a socket address: " + socket);
        ByteBuffer address = ByteBuffer.allocate(2 + pathLength).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX);
        if (abstractAddress) address.put((byte) 0).put(name);
        else address.put(name).put((byte) 0);
        return address.array();
    }

    @Override
    public String toString() {
        return socket;
    }
}
