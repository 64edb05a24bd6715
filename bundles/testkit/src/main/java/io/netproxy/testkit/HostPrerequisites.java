package io.netproxy.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Skips a contract that needs root, a device or a tool when they are missing, except under CI=true, where it fails. */
final class HostPrerequisites {
    private HostPrerequisites() {
    }

    static void require(boolean condition, String reason) {
        if (condition) return;
        if ("true".equals(System.getenv("CI"))) fail(reason + " (CI=true, where this contract must run rather than skip)");
        Assumptions.abort(reason);
    }

    static void requireRootAndTools(String... tools) {
        require(isRoot(), "needs root to create a network namespace of its own");
        for (String tool : tools) {
            require(onPath(tool), "needs '" + tool + "' (apt-get install iproute2 iptables iputils-ping procps)");
        }
    }

    /** /proc/self belongs to the user the process runs as. */
    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static boolean onPath(String tool) {
        for (String directory : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) return true;
        }
        return false;
    }
}
