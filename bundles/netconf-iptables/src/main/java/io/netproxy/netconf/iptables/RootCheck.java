package io.netproxy.netconf.iptables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Fails early and clearly when the process cannot change routes and firewall rules. */
final class RootCheck {
    static final String NOT_ROOT =
            "netproxy must run as root (it needs CAP_NET_ADMIN to change routes and firewall rules)";

    private RootCheck() {
    }

    static void requireRoot() throws IOException {
        if (effectiveUid(Files.readAllLines(Path.of("/proc/self/status"))) != 0) throw new IOException(NOT_ROOT);
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
