package io.netproxy.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The one check that the process runs as root, which creating TUN devices and changing routes needs. */
public final class Root {
    public static final String NOT_ROOT = "netproxy must run as root (it needs CAP_NET_ADMIN to create TUN"
            + " devices and change routes and firewall rules); run it with sudo";

    private Root() {
    }

    public static boolean isRoot() {
        try {
            return effectiveUid(Files.readAllLines(Path.of("/proc/self/status"))) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static void require() throws IOException {
        if (!isRoot()) throw new IOException(NOT_ROOT);
    }

    /** The effective uid is the second number of the {@code Uid:} line (real, effective, saved, filesystem). */
    static int effectiveUid(List<String> procStatus) throws IOException {
        for (String line : procStatus) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring("Uid:".length()).strip().split("\\s+");
                if (ids.length >= 2) return Integer.parseInt(ids[1]);
            }
        }
        throw new IOException("cannot find the effective uid in /proc/self/status");
    }
}
