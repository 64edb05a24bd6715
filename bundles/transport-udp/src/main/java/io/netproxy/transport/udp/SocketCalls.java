package io.netproxy.transport.udp;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The socket calls of libc, through a JNA direct mapping. Pointers to the native memory of
 * {@link ReceiveBuffers} and {@link SendBuffers} are passed as {@code long}: this transport needs a 64-bit JVM
 * (see {@link MessageLayout}). The constants are Linux's on x86-64, arm64, riscv64 and s390x.
 */
final class SocketCalls {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_REUSEPORT = 15;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int SOL_UDP = 17;
    /** Linux 4.18+: the kernel splits one large send into datagrams of this size (UDP GSO). */
    static final int UDP_SEGMENT = 103;
    /** Linux 5.0+: the kernel may hand over runs of datagrams of one sender as one, with their size (UDP GRO). */
    static final int UDP_GRO = 104;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_NOSIGNAL = 0x4000;
    /** recvmmsg blocks for the first datagram only, then takes what else is queued. */
    static final int MSG_WAITFORONE = 0x10000;

    static final int SHUT_RDWR = 2;

    static {
        Native.register(SocketCalls.class, Platform.C_LIBRARY_NAME);
    }

    private SocketCalls() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, int[] value, int valueLength);

    static native int getsockopt(int fd, int level, int name, int[] value, int[] valueLength);

    static native int bind(int fd, byte[] sockaddr, int sockaddrLength);

    static native int connect(int fd, byte[] sockaddr, int sockaddrLength);

    static native int getsockname(int fd, byte[] sockaddr, int[] sockaddrLength);

    /** Returns how many of the {@code count} struct mmsghdr at {@code messages} were filled; timeout NULL is 0. */
    static native int recvmmsg(int fd, long messages, int count, int flags, long timeout);

    /** Returns how many of the {@code count} struct mmsghdr at {@code messages} were sent. */
    static native int sendmmsg(int fd, long messages, int count, int flags);

    static native int shutdown(int fd, int how);

    static native int close(int fd);
}
