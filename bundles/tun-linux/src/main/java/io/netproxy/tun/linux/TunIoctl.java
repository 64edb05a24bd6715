package io.netproxy.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.IOException;

/** The TUN ioctls, through a JNA direct mapping of libc's ioctl(2). Only used while opening a device. */
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

    // _IOW('T', 202, int) and _IOW('T', 203, int) in the asm-generic encoding used by x86, arm, riscv and
    // s390 (mips, powerpc and sparc encode ioctl numbers differently).
    private static final NativeLong TUNSETIFF = new NativeLong(0x400454caL);
    private static final NativeLong TUNSETPERSIST = new NativeLong(0x400454cbL);

    static {
        Native.register(TunIoctl.class, Platform.C_LIBRARY_NAME);
    }

    private TunIoctl() {
    }

    private static native int ioctl(int fd, NativeLong request, byte[] ifreq);

    private static native int ioctl(int fd, NativeLong request, NativeLong value);

    /** Attaches fd to the device named in ifreq, creating it if needed; the kernel writes the name back. */
    static void setIff(int fd, byte[] ifreq, String requestedName) throws IOException {
        if (ioctl(fd, TUNSETIFF, ifreq) < 0) {
            throw TunErrors.ioctlFailed("TUNSETIFF", requestedName, Native.getLastError());
        }
    }

    /** Keeps the device (and its addresses and routes) after its last descriptor closes. */
    static void setPersist(int fd, String name) throws IOException {
        if (ioctl(fd, TUNSETPERSIST, new NativeLong(1)) < 0) {
            throw TunErrors.ioctlFailed("TUNSETPERSIST", name, Native.getLastError());
        }
    }
}
