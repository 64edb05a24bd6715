package io.netproxy.shell;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A service manager's end of the readiness protocol, for tests: an AF_UNIX datagram socket bound to a path or an
 * abstract address, from which the notifications are read as systemd reads them.
 */
final class NotifySocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;

    static {
        Native.register(NotifySocket.class, Platform.C_LIBRARY_NAME);
    }

    private static native int socket(int domain, int type, int protocol);

    private static native int bind(int fd, byte[] address, int length);

    private static native int setsockopt(int fd, int level, int option, long[] value, int length);

    private static native NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

    private static native int close(int fd);

    private final int fd;
    final String address;

    /** @param address a path, or {@code @name} for the abstract namespace, as NOTIFY_SOCKET names it */
    NotifySocket(String address) throws IOException {
        this.address = address;
        fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd < 0) throw new IOException("socket failed, errno " + Native.getLastError());
        byte[] sockaddr = SystemdNotifier.address(address);
        if (bind(fd, sockaddr, sockaddr.length) != 0) {
            int errno = Native.getLastError();
            close(fd);
            throw new IOException("bind " + address + " failed, errno " + errno);
        }
    }

    /** The next datagram, or empty when none arrives within {@code timeout}. */
    Optional<String> receive(Duration timeout) throws IOException {
        long[] timeval = {timeout.toSeconds(), timeout.toMillisPart() * 1000L};
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) != 0) {
            throw new IOException("setsockopt failed, errno " + Native.getLastError());
        }
        byte[] buffer = new byte[4096];
        long length = recv(fd, buffer, new NativeLong(buffer.length), 0).longValue();
        if (length < 0) {
            if (Native.getLastError() == EAGAIN) return Optional.empty();
            throw new IOException("recv failed, errno " + Native.getLastError());
        }
        return Optional.of(new String(buffer, 0, (int) length, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        close(fd);
    }
}
