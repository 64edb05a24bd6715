package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.SocketCalls.AF_INET6;
import static io.netproxy.transport.udp.SocketCalls.IPPROTO_IPV6;
import static io.netproxy.transport.udp.SocketCalls.IPV6_V6ONLY;

import com.sun.jna.Native;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP socket descriptor of our own, for recvmmsg and sendmmsg. No call ever runs on a closed descriptor: its
 * number could already belong to a file that another part of the JVM opened. Calls count themselves in and out
 * without a lock; {@link #close} shuts the socket down (which wakes a blocked receive), waits for the calls in
 * progress to return and only then closes the descriptor.
 */
final class UdpSocket implements Closeable {
    /** Set in {@link #callsInProgress} once closing starts; the lower bits count the calls. */
    private static final int CLOSING = 1 << 30;
    private static final long CLOSE_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final int fd;
    private final int family;
    private final AtomicInteger callsInProgress = new AtomicInteger();
    private boolean closed;

    private UdpSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    /**
     * A socket of {@code family} (AF_INET or AF_INET6). An IPv6 socket is dual-stack, as the JDK makes them, so that a server on
     * the wildcard {@code ::} also hears IPv4 clients.
     */
    static UdpSocket open(int family) throws IOException {
        if (!MessageLayout.supported()) {
            throw new IOException("the UDP transport needs a 64-bit JVM");
        }
        int fd = SocketCalls.socket(family, SocketCalls.SOCK_DGRAM | SocketCalls.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Errno.exception("socket", Native.getLastError());
        }
        UdpSocket socket = new UdpSocket(fd, family);
        try {
            if (family == AF_INET6) {
                socket.setOption(IPPROTO_IPV6, IPV6_V6ONLY, 0);
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    int family() {
        return family;
    }

    void setOption(int level, int name, int value) throws IOException {
        enter();
        try {
            if (SocketCalls.setsockopt(fd, level, name, new int[] {value}, Integer.BYTES) < 0) {
                throw Errno.exception("setsockopt", Native.getLastError());
            }
        } finally {
            leave();
        }
    }

    int option(int level, int name) throws IOException {
        enter();
        try {
            int[] value = new int[1];
            if (SocketCalls.getsockopt(fd, level, name, value, new int[] {Integer.BYTES}) < 0) {
                throw Errno.exception("getsockopt", Native.getLastError());
            }
            return value[0];
        } finally {
            leave();
        }
    }

    void bind(InetSocketAddress local) throws IOException {
        enter();
        try {
            byte[] sockaddr = SocketAddresses.encode(local, family);
            if (SocketCalls.bind(fd, sockaddr, sockaddr.length) < 0) {
                throw Errno.exception("bind to " + local, Native.getLastError());
            }
        } finally {
            leave();
        }
    }

    void connect(InetSocketAddress remote) throws IOException {
        enter();
        try {
            byte[] sockaddr = SocketAddresses.encode(remote, family);
            if (SocketCalls.connect(fd, sockaddr, sockaddr.length) < 0) {
                throw Errno.exception("connect to " + remote, Native.getLastError());
            }
        } finally {
            leave();
        }
    }

    InetSocketAddress localAddress() throws IOException {
        enter();
        try {
            byte[] sockaddr = new byte[SocketAddresses.ROOM];
            if (SocketCalls.getsockname(fd, sockaddr, new int[] {sockaddr.length}) < 0) {
                throw Errno.exception("getsockname", Native.getLastError());
            }
            return SocketAddresses.decode(sockaddr);
        } finally {
            leave();
        }
    }

    /**
     * recvmmsg into up to {@code count} headers at {@code messages}: blocks until a datagram arrives, then takes
     * what else is queued. Returns how many headers were filled.
     *
     * @throws AsynchronousCloseException when the socket was closed meanwhile
     */
    int receive(long messages, int count) throws IOException {
        enter();
        try {
            while (true) {
                int received = SocketCalls.recvmmsg(fd, messages, count, SocketCalls.MSG_WAITFORONE, 0);
                int errno = received < 0 ? Native.getLastError() : 0;
                // shutdown makes a blocked recvmmsg return an empty datagram; whatever it returned is not for us
                if (closing()) {
                    throw new AsynchronousCloseException();
                }
                if (received > 0) {
                    return received;
                }
                // ECONNREFUSED: an ICMP error for an earlier datagram, on a connected socket. The server may just
                // not be up yet; keep waiting like any UDP peer would.
                if (errno != Errno.EINTR && errno != Errno.EAGAIN && errno != Errno.ECONNREFUSED) {
                    throw Errno.exception("recvmmsg", errno);
                }
            }
        } finally {
            leave();
        }
    }

    /**
     * sendmmsg of up to {@code count} headers at {@code messages}. Returns how many were sent, or minus the errno
     * with which the kernel refused the first: that refusal concerns that message alone (no route to its
     * destination, too long, a firewall, a segmentation the device cannot do).
     *
     * @throws AsynchronousCloseException when the socket was closed meanwhile
     */
    int send(long messages, int count) throws IOException {
        enter();
        try {
            while (true) {
                int sent = SocketCalls.sendmmsg(fd, messages, count, SocketCalls.MSG_NOSIGNAL);
                if (sent > 0) {
                    return sent;
                }
                int errno = Native.getLastError();
                if (closing()) {
                    throw new AsynchronousCloseException();
                }
                // ECONNREFUSED reports (and clears) an ICMP error for an earlier datagram on a connected socket;
                // this one was not sent yet.
                if (errno != Errno.EINTR && errno != Errno.EAGAIN && errno != Errno.ECONNREFUSED) {
                    return -errno;
                }
            }
        } finally {
            leave();
        }
    }

    /** Whether the kernel knows the option, which it tells by reading it. */
    boolean hasOption(int level, int name) throws ClosedChannelException {
        enter();
        try {
            return SocketCalls.getsockopt(fd, level, name, new int[1], new int[] {Integer.BYTES}) == 0;
        } finally {
            leave();
        }
    }

    /** Wakes a thread blocked in {@link #receive}, which then throws {@link AsynchronousCloseException}. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        callsInProgress.addAndGet(CLOSING);
        // Sets the shutdown flag even on an unconnected socket (returning ENOTCONN there), and wakes its waiters.
        SocketCalls.shutdown(fd, SocketCalls.SHUT_RDWR);
        while (callsInProgress.get() != CLOSING) {
            LockSupport.parkNanos(CLOSE_POLL_NANOS);
        }
        if (SocketCalls.close(fd) < 0) {
            throw Errno.exception("close", Native.getLastError());
        }
    }

    /** For work that needs no call, such as handing over datagrams an earlier call received. */
    void checkOpen() throws ClosedChannelException {
        if (closing()) {
            throw new ClosedChannelException();
        }
    }

    private void enter() throws ClosedChannelException {
        if ((callsInProgress.getAndIncrement() & CLOSING) != 0) {
            callsInProgress.decrementAndGet();
            throw new ClosedChannelException();
        }
    }

    private void leave() {
        callsInProgress.decrementAndGet();
    }

    private boolean closing() {
        return (callsInProgress.get() & CLOSING) != 0;
    }
}
