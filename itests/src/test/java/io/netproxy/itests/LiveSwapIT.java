package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every part of a running tunnel replaced while a checked download runs through it and a ping goes every 10 ms: the
 * transport, the cipher suite, the TUN backend (a bundle update hands the device over) and the network
 * configurator, by command and by bundle update. The download must arrive whole; the longest ping gap of each swap
 * is reported (target/live-swap-gaps.txt), not asserted, since timing belongs to benchmarks. The server reads its
 * TUN device through one queue per CPU (engine tunable dataThreads), before and after every hand-over.
 */
class LiveSwapIT extends OnTopology {
    private Path password;
    private Installation server;
    private Process serverProcess;
    private Installation client;
    private final List<String> gaps = new ArrayList<>();
    private int swaps;

    LiveSwapIT() {
        super('s');
    }

    @BeforeAll
    void writePassword() throws Exception {
        password = topology.secret("password", "swap everything, lose nothing");
    }

    @AfterAll
    void reportGaps() throws Exception {
        if (!gaps.isEmpty()) {
            Files.writeString(Path.of("target", "live-swap-gaps.txt"), String.join("\n", gaps) + "\n");
            gaps.forEach(line -> System.out.println("live swap: " + line));
        }
    }

    @BeforeEach
    void tunnel() throws Exception {
        server = installation("srv");
        serverProcess = server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        client = installation("c1");
        client.ok("connect", Topology.SERVER, "--password-file", password.toString(), "-d");
    }

    @Test
    void transports() throws Exception {
        swap("client: transport udp -> tcp (swap command)", () -> client.ok("swap", "transport", "tcp"));
        assertTrue(client.ok("status").contains("(tcp)"), client.ok("status"));
        swap("client: transport tcp -> udp (swap command)", () -> client.ok("swap", "transport", "udp"));
        assertTrue(client.ok("status").contains("(udp)"), client.ok("status"));

        swap("server: transport -> tcp only, its client told to follow (swap command)", () -> {
            server.ok("swap", "transport", "tcp");
            Namespaces.waitFor(() -> client.ok("status").contains("(tcp)"), 20, "the client on tcp");
        });
        assertTrue(server.ok("peers").contains("(tcp)"), server.ok("peers"));
        swap("server: transport -> udp only, its client told to follow (swap command)", () -> {
            server.ok("swap", "transport", "udp");
            Namespaces.waitFor(() -> client.ok("status").contains("(udp)"), 20, "the client on udp");
        });
        swap("server: transport-udp bundle updated in place (felix:update)",
                () -> update(server, "io.netproxy.transport-udp"));
        assertTrue(server.ok("status").contains("server listening"), server.ok("status"));
    }

    @Test
    void cipherSuites() throws Exception {
        String first = Installation.cipherOf(server.ok("peers"));
        String other = first.equals("aes-256-gcm") ? "chacha20-poly1305" : "aes-256-gcm";
        swap("client: the bundle of its suite " + first + " updated in place (felix:update; it handshakes again at once)",
                () -> update(client, first.equals("aes-256-gcm") ? "io.netproxy.cipher-aes-gcm" : "io.netproxy.cipher-chacha20poly1305"));
        assertTrue(client.ok("status").contains("client connected"), client.ok("status"));
        swap("server: cipher -> " + first + " only (swap command; the client handshakes at once)",
                () -> server.ok("swap", "cipher", first));
        Namespaces.waitFor(() -> first.equals(Installation.cipherOf(server.ok("peers"))), 10, "the session on " + first);
        swap("server: cipher " + first + " -> " + other + " (swap command; the client handshakes at once)",
                () -> server.ok("swap", "cipher", other));
        Namespaces.waitFor(() -> other.equals(Installation.cipherOf(server.ok("peers"))), 10, "the session on " + other);
    }

    @Test
    void tunBackends() throws Exception {
        String device = Installation.deviceOf(client.ok("status"));
        String first = Installation.tunBackendOf(client.ok("status"));
        swap("client: tun-linux bundle updated in place, the device handed over (felix:update)",
                () -> update(client, "io.netproxy.tun-linux"));
        assertTrue(client.log().contains("handed over from backend " + first + " to " + first), "the hand-over is logged");
        assertTrue(Installation.deviceOf(client.ok("status")).equals(device), "the same device: " + client.ok("status"));
        assertServerTunQueues();
        long handOvers = handOvers(server);
        swap("server: tun-linux bundle updated in place, the device handed over (felix:update)",
                () -> update(server, "io.netproxy.tun-linux"));
        // the update hands the device over in the background: the queues are counted once that is logged
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (handOvers(server) == handOvers && System.nanoTime() < deadline) Thread.sleep(100);
        assertEquals(handOvers + 1, handOvers(server), "hand-overs in the server's log");
        assertServerTunQueues();

        // between the bare and the offloading backend the device changes its packet format: the checked downloads run
        // through both ends in each
        String other = first.equals("linux") ? "linux-offload" : "linux";
        for (Installation side : List.of(client, server)) {
            String label = side == server ? "server" : "client";
            swap(label + ": TUN backend " + first + " -> " + other + ", the device handed over (swap command)",
                    () -> side.ok("swap", "tun", other));
            assertTrue(Installation.tunBackendOf(side.ok("status")).equals(other), side.ok("status"));
            String format = other.equals("linux") ? "bare" : "offloaded";
            assertTrue(side.log().contains("now carries " + format + " packets"), "the device changed format: " + side.log());
            if (side == server) assertServerTunQueues();
        }
        assertTrue(Installation.deviceOf(client.ok("status")).equals(device), "the same device: " + client.ok("status"));
        for (Installation side : List.of(server, client)) {
            String label = side == server ? "server" : "client";
            swap(label + ": TUN backend " + other + " -> " + first + ", the device handed over (swap command)",
                    () -> side.ok("swap", "tun", first));
        }
        assertServerTunQueues();
    }

    private static long handOvers(Installation instance) throws Exception {
        return instance.log().lines().filter(line -> line.contains("handed over from backend")).count();
    }

    /**
     * The server's descriptors of its TUN device np0 (the kernel names a TUN descriptor's device in its fdinfo):
     * one queue per CPU, at most 8, once a hand-over (which a bundle update starts in the background) is over.
     */
    private void assertServerTunQueues() throws Exception {
        long expected = Math.min(Runtime.getRuntime().availableProcessors(), 8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long queues;
        while ((queues = tunDescriptors(serverProcess.pid(), "np0")) != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected, queues, "queues of the server's TUN device np0");
    }

    private static long tunDescriptors(long pid, String device) throws java.io.IOException {
        long count = 0;
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readString(fd).contains("iff:\t" + device + "\n")) count++;
                } catch (java.nio.file.NoSuchFileException closedMeanwhile) {
                    // a descriptor closed while the list was read
                }
            }
        }
        return count;
    }

    @Test
    void networkConfigurators() throws Exception {
        // nftables is optional (iptables is the configurator without it), so its absence skips even under CI=true
        org.junit.jupiter.api.Assumptions.assumeTrue(Prerequisites.onPath("nft"),
                "nft is not installed (apt-get install nftables), so there is no second configurator to swap to");
        for (Installation side : List.of(server, client)) {
            String label = side == server ? "server" : "client";
            String first = Installation.netconfOf(side.ok("status"));
            String other = first.equals("nftables") ? "iptables" : "nftables";
            swap(label + ": netconf " + first + " -> " + other + " (swap command)", () -> side.ok("swap", "netconf", other));
            assertTrue(Installation.netconfOf(side.ok("status")).equals(other), side.ok("status"));
            swap(label + ": netconf " + other + " -> " + first + " (swap command)", () -> side.ok("swap", "netconf", first));
            swap(label + ": netconf-" + first + " bundle updated in place (felix:update)",
                    () -> update(side, "io.netproxy.netconf-" + first));
            assertTrue(side.ok("status").contains(label.equals("server") ? "server listening" : "client connected"));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private interface Action {
        void run() throws Exception;
    }

    /**
     * Runs the swap under a checked download and a 10 ms ping stream: the download flows before it, and after it
     * with every byte as sent. Records the longest ping gap and what arrived while the swap ran.
     */
    private void swap(String label, Action action) throws Exception {
        Path pingLog = work.resolve("ping-" + (++swaps) + ".log");
        Process pings = topology.pingStream("c1", "0.01", pingLog);
        long during;
        long took;
        try (CheckedStream download = topology.checkedStream("c1")) {
            download.awaitMore(5_000_000, 30, "before the swap");
            long before = download.received();
            long start = System.nanoTime();
            action.run();
            took = (System.nanoTime() - start) / 1_000_000;
            during = download.received() - before;
            download.awaitMore(5_000_000, 30, "after the swap");
        } finally {
            pings.destroy();
            pings.waitFor(10, TimeUnit.SECONDS);
        }
        gaps.add(label + ": longest ping gap " + Topology.longestGapMillis(pingLog) + " ms; " + during
                + " bytes downloaded during the " + took + " ms of the swap, every byte checked");
    }

    /** {@code felix:update} of the bundle with this symbolic name in the instance's Gogo shell. */
    private static void update(Installation instance, String symbolicName) throws Exception {
        Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|.*\\|" + Pattern.quote(symbolicName) + "\\b")
                .matcher(instance.bundles());
        assertTrue(id.find(), symbolicName + " in felix:lb -s");
        instance.shell("felix:update " + id.group(1));
    }
}
