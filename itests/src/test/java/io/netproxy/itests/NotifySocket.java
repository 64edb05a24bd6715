package io.netproxy.itests;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service manager's end of sd_notify(3) for tests: an AF_UNIX datagram socket bound to a path (reachable from every
 * network namespace, unlike an abstract address), from which notifications are read as systemd reads them.
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
    final Path path;
    /** Every datagram received so far, in order. */
    final List<String> received = new ArrayList<>();

    NotifySocket(Path path) throws IOException {
        this.path = path;
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer address = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX).put(name).put((byte) 0);
        fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd < 0) throw new IOException("socket failed, errno " + Native.getLastError());
        if (bind(fd, address.array(), address.capacity()) != 0) {
            int errno = Native.getLastError();
            close(fd);
            throw new IOException("bind " + path + " failed, errno " + errno);
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
        String message = new String(buffer, 0, (int) length, StandardCharsets.UTF_8);
        received.add(message);
        return Optional.of(message);
    }

    /** Receives until a datagram has the line {@code line}; that datagram, or empty after {@code timeout}. */
    Optional<String> awaitLine(String line, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> message = receive(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (message.isPresent() && message.get().lines().anyMatch(line::equals)) return message;
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        close(fd);
        Files.deleteIfExists(path);
    }
}
