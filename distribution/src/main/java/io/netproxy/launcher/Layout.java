package io.netproxy.launcher;

import java.nio.file.Path;

/**
 * Where an installation keeps its files. The run and state directories can be moved with environment
 * variables so that several instances (one per network namespace, as in the tests) can share one host.
 */
record Layout(Path home, Path runDir, Path stateDir) {

    static Layout fromEnvironment() {
        Path home = Path.of(System.getProperty("netproxy.home", ".")).toAbsolutePath().normalize();
        Path run = Path.of(envOr("NETPROXY_RUN_DIR", "/run/netproxy"));
        Path state = Path.of(envOr("NETPROXY_STATE_DIR", "/var/lib/netproxy"));
        return new Layout(home, run, state);
    }

    Path etc() { return home.resolve("etc"); }
    Path bundles() { return home.resolve("bundle"); }
    Path controlSocket() { return runDir.resolve("control.sock"); }
    Path pidFile() { return runDir.resolve("netproxy.pid"); }
    Path logFile() { return Path.of(envOr("NETPROXY_LOG", stateDir.resolve("netproxy.log").toString())); }
    Path felixCache() { return stateDir.resolve("felix-cache"); }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
