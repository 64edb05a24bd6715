package io.netproxy.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.IOException;

/** The TUN ioctls (and FIOCLEX), through a JNA direct mapping of libc's ioctl(2). Only used while opening a device. */
final class TunIoctl {
    static final int IFF_TUN = 0x0001;
    /** No packet-information header: the device carries bare IP packets. */
    static final int IFF_NO_PI = 0x1000;
    /**
     * Several descriptors may be queues of one device: how another backend, or a new revision of this bundle,
     * attaches to a running device before the old queue lets go (a hand-over that keeps addresses and routes).
     */
    static final int IFF_MULTI_QUEUE = 0x0100;
    /** Fails with EBUSY when a device of that name exists, instead of attaching to it. */
    static final int IFF_TUN_EXCL = 0x8000;
    /** Every read and write carries a struct virtio_net_hdr in front of the packet. */
    static final int IFF_VNET_HDR = 0x4000;

    /** TUNSETOFFLOAD flags: the reader completes checksums and cuts TCP super-packets (IPv4, IPv6). */
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;

    // _IOW('T', 202, int) and _IOW('T', 203, int) in the asm-generic encoding used by x86, arm, riscv and
    // s390 (mips, powerpc and sparc encode ioctl numbers differently).
    private static final NativeLong TUNSETIFF = new NativeLong(0x400454caL);
    private static final NativeLong TUNSETPERSIST = new NativeLong(0x400454cbL);
    // _IOW('T', 208, unsigned int) and _IOR('T', 210, unsigned int)
    private static final NativeLong TUNSETOFFLOAD = new NativeLong(0x400454d0L);
    private static final NativeLong TUNGETIFF = new NativeLong(0x800454d2L);
    // the generic ioctl that sets a descriptor's close-on-exec flag
    private static final NativeLong FIOCLEX = new NativeLong(0x5451L);

    static {
        Native.register(TunIoctl.class, Platform.C_LIBRARY_NAME);
    }

    private TunIoctl() {
    }

    private static native int ioctl(int fd, NativeLong request, byte[] ifreq);

    private static native int ioctl(int fd, NativeLong request, NativeLong value);

    /**
     * Keeps fd out of the processes this JVM starts (ip, nft): the JDK opens files without close-on-exec, and a child
     * holds every descriptor until it has started, which would keep a queue that netproxy closed attached, and a
     * device it removed alive, for that moment.
     */
    static void closeOnExec(int fd, String name) throws IOException {
        if (ioctl(fd, FIOCLEX, new NativeLong(0)) < 0) {
            throw TunErrors.ioctlFailed("FIOCLEX", name, Native.getLastError());
        }
    }

    /** Attaches fd to the device named in ifreq, creating it if needed; the kernel writes the name back. */
    static void setIff(int fd, byte[] ifreq, String requestedName) throws IOException {
        if (ioctl(fd, TUNSETIFF, ifreq) < 0) {
            throw TunErrors.ioctlFailed("TUNSETIFF", requestedName, Native.getLastError());
        }
    }

    /**
     * Keeps the device (and its addresses and routes) after its last descriptor closes, or lets the kernel remove it
     * then again.
     */
    static void setPersist(int fd, String name, boolean persist) throws IOException {
        if (ioctl(fd, TUNSETPERSIST, new NativeLong(persist ? 1 : 0)) < 0) {
            throw TunErrors.ioctlFailed("TUNSETPERSIST", name, Native.getLastError());
        }
    }

    /** The flags in force on the device fd is attached to, which the kernel keeps from the device's first queue. */
    static int getIff(int fd, String name) throws IOException {
        byte[] ifreq = new byte[Ifreq.SIZE];
        if (ioctl(fd, TUNGETIFF, ifreq) < 0) {
            throw TunErrors.ioctlFailed("TUNGETIFF", name, Native.getLastError());
        }
        return Ifreq.flags(ifreq);
    }

    /** Sets what the kernel may leave to this device's reader; device-wide, so it applies to every queue. */
    static void setOffload(int fd, int offloads, String name) throws IOException {
        if (ioctl(fd, TUNSETOFFLOAD, new NativeLong(offloads)) < 0) {
            throw TunErrors.ioctlFailed("TUNSETOFFLOAD", name, Native.getLastError());
        }
    }
}
