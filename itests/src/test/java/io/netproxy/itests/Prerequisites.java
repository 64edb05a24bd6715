package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Tests that need root, /dev/net/tun or a tool skip without them, except under CI=true where that is a failure. */
final class Prerequisites {
    private Prerequisites() {}

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Root, /dev/net/tun, and the test JVM inside its own namespace (the failsafe JVM wrapper sets this up). */
    static void requireIsolatedRoot() {
        require(isRoot(), "needs root to create TUN devices, routes and namespaces");
        require(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun (modprobe tun)");
        require(System.getenv("NETPROXY_TEST_NETNS") != null,
                "needs the test JVM in a network namespace of its own (failsafe starts it through src/test/netns-jvm/bin/java)");
        for (String tool : new String[] {"ip", "iptables-restore", "ping"}) {
            require(onPath(tool), "needs '" + tool + "' (apt-get install iproute2 iptables iputils-ping)");
        }
    }

    static void require(boolean condition, String reason) {
        if (condition) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true, so this cannot be skipped: " + reason);
        Assumptions.assumeTrue(false, reason);
    }

    static boolean onPath(String tool) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    static Path distribution() {
        Path dist = Path.of(System.getProperty("netproxy.dist", "../distribution/target/netproxy-dist-missing"));
        if (!Files.isExecutable(dist.resolve("bin/netproxy"))) {
            fail("the distribution is not built at " + dist + "; run 'mvn -B verify' from the top");
        }
        return dist;
    }
}
