package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Skips a test that needs root and /dev/net/tun when they are missing, except under CI=true, where it fails. */
final class TunPrerequisites {
    private TunPrerequisites() {
    }

    static void require() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(missing + " (CI=true, where this test must run rather than skip)");
        }
        Assumptions.abort(missing);
    }

    private static String missing() {
        if (!isRoot()) {
            return "needs root to create network namespaces and TUN devices";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "needs /dev/net/tun (modprobe tun; in a container, --device /dev/net/tun)";
        }
        return null;
    }

    /** /proc/self belongs to the user the process runs as. */
    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
