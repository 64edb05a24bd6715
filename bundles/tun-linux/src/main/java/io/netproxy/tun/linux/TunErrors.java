package io.netproxy.tun.linux;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns failures to open a TUN device into messages that tell the operator what to do. */
final class TunErrors {
    // Linux errno values; these are the same on every architecture.
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;

    private static final String LOAD_MODULE =
            "load the tun module: modprobe tun (in a container, pass the device in, e.g. --device /dev/net/tun)";
    private static final String NEEDS_PRIVILEGE = "needs root or the CAP_NET_ADMIN capability";

    private TunErrors() {
    }

    /** The JDK reports only strerror's text for a failed open, so the hint is chosen from that. */
    static IOException cannotOpen(Path device, FileNotFoundException cause) {
        String reason = String.valueOf(cause.getMessage());
        String hint;
        if (!Files.exists(device) || reason.contains("No such device")) {
            hint = LOAD_MODULE;
        } else if (reason.contains("Permission denied")) {
            hint = NEEDS_PRIVILEGE;
        } else {
            hint = reason;
        }
        return new IOException("cannot open " + device + ": " + hint, cause);
    }

    /** The C library's text for an errno, e.g. "Operation not supported". */
    private static String strerror(int errno) {
        try {
            return com.sun.jna.NativeLibrary.getInstance("c").getFunction("strerror")
                    .invokePointer(new Object[] {errno}).getString(0);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "unexpected error";
        }
    }

    static IOException ioctlFailed(String request, String device, int errno) {
        String hint = switch (errno) {
            case EPERM, EACCES -> NEEDS_PRIVILEGE;
            case EBUSY -> "the device name is in use";
            case ENOENT, ENXIO, ENODEV -> LOAD_MODULE;
            case EINVAL -> "invalid name, or a device of another kind (TAP, or not multi-queue) has this name";
            default -> strerror(errno) + "; check the kernel log (dmesg) and that nothing else manages this device";
        };
        return new IOException(request + " failed for TUN device " + device + ": " + hint + " (errno " + errno + ")");
    }
}
