package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic transport policy on the network of scripts/netns-topology.sh: a server started without
 * {@code --transport} listens on UDP and TCP, and a client started without it moves to TCP when the router drops
 * UDP to the server, and back when the router lets it through again. Nothing changes on the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportFallbackIT {
    private static final String SERVER = "198.51.100.10";
    private static final String INTERNET = "203.0.113.10";
    /** What the router's firewall gets to block UDP to the server; inserted and deleted by the tests. */
    private static final List<String> BLOCK_UDP = List.of("FORWARD", "-p", "udp", "-d", SERVER, "--dport", "6767",
            "-j", "DROP");

    @TempDir
    static Path work;
    private final String prefix = Namespaces.prefix('t');
    private Path netproxy;
    private Path scripts;
    private Process whatIsMyIp;
    private Process server;
    private Path serverRun;
    private Path password;
    private Path clientRun;
    private Path clientState;
    private Map<String, String> before;
    private boolean udpBlocked;

    @BeforeAll
    void network() throws Exception {
        Prerequisites.requireIsolatedRoot();
        netproxy = Prerequisites.distribution().resolve("bin/netproxy");
        scripts = Path.of(System.getProperty("netproxy.scripts", "../scripts"));
        Namespaces.topology(scripts, "up", prefix);
        String java = ProcessHandle.current().info().command().orElse("java");
        whatIsMyIp = new ProcessBuilder("ip", "netns", "exec", ns("net"), java, scripts.resolve("WhatIsMyIp.java").toString(), "8080")
                .redirectErrorStream(true).redirectOutput(work.resolve("whatismyip.log").toFile()).start();
        Namespaces.waitFor(() -> Files.readString(work.resolve("whatismyip.log")).contains("listening"), 60, "what-is-my-IP service");
        password = work.resolve("password");
        Files.createFile(password, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(password, "udp or tcp, all the same\n");
    }

    @AfterAll
    void teardown() throws Exception {
        if (whatIsMyIp != null) whatIsMyIp.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (scripts != null) Namespaces.topology(scripts, "down", prefix);
    }

    @BeforeEach
    void startServer() throws Exception {
        before = Namespaces.snapshots(prefix);
        Path log = work.resolve("server-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", ns("srv"), netproxy.toString(), "serve",
                "--password-file", password.toString(), "--pool", "198.18.0.0/24")
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path dir = Files.createTempDirectory(work, "srv");
        serverRun = dir.resolve("run");
        builder.environment().putAll(Map.of("NETPROXY_RUN_DIR", serverRun.toString(),
                "NETPROXY_STATE_DIR", dir.resolve("state").toString()));
        server = builder.start();
        Namespaces.waitFor(() -> Files.readString(log).contains("serving tunnel") || !server.isAlive(), 60, "server start");
        assertTrue(server.isAlive(), "server exited: " + Files.readString(log));
        assertTrue(Files.readString(log).contains("(udp+tcp)"), "a server listens on UDP and TCP by default: "
                + Files.readString(log));
        Path client = Files.createTempDirectory(work, "c1");
        clientRun = client.resolve("run");
        clientState = client.resolve("state");
    }

    /** Stops the client and the server (by pid), lets UDP through again, and checks the namespaces are as before. */
    @AfterEach
    void restore() throws Exception {
        if (Files.exists(clientRun.resolve("netproxy.pid"))) {
            long pid = Long.parseLong(Files.readString(clientRun.resolve("netproxy.pid")).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        if (server != null) Namespaces.stop(server);
        if (udpBlocked) unblockUdp();
        Namespaces.assertUnchanged(before, prefix);
    }

    @Test
    void aClientMovesToTcpWhenUdpIsBlockedAndBackWhenItIsNot() throws Exception {
        connect();
        assertTrue(clientStatus().contains("(udp)"), clientStatus());
        Process pings = pingStream("fallback");
        try {
            blockUdp();
            long blocked = System.nanoTime();
            Namespaces.waitFor(() -> clientStatus().contains("(tcp)") && clientStatus().contains("client connected"),
                    30, "the client on TCP");
            long onTcp = System.nanoTime();
            checkedTransfer(5_000_000);
            String peers = serverCommand("peers");
            assertTrue(peers.contains("(tcp)"), "the server answers the client over TCP: " + peers);

            unblockUdp();
            long unblocked = System.nanoTime();
            Namespaces.waitFor(() -> clientStatus().contains("(udp)"), 30, "the client back on UDP");
            long onUdp = System.nanoTime();
            checkedTransfer(5_000_000);
            System.out.printf("transport fallback: on TCP %.1f s after UDP was blocked, back on UDP %.1f s after it "
                            + "was let through%n", (onTcp - blocked) / 1e9, (onUdp - unblocked) / 1e9);
        } finally {
            pings.destroy();
            pings.waitFor(10, TimeUnit.SECONDS);
        }
        System.out.println("transport fallback: longest gap between ping replies (every 100 ms): "
                + longestGapMillis(work.resolve("ping-fallback.log")) + " ms");
    }

    @Test
    void aClientConnectsOverTcpWhenUdpIsBlockedFromTheStart() throws Exception {
        blockUdp();
        connect();
        assertTrue(clientStatus().contains("(tcp)"), clientStatus());
        checkedTransfer(2_000_000);
    }

    @Test
    void aClientThatNamesTcpUsesOnlyTcp() throws Exception {
        connect("--transport", "tcp");
        assertTrue(clientStatus().contains("(tcp)"), clientStatus());
        checkedTransfer(2_000_000);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private String ns(String host) {
        return prefix + "-" + host;
    }

    private void connect(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("connect", SERVER, "--password-file", password.toString(), "-d"));
        command.addAll(List.of(args));
        Namespaces.Result result = client(60, command.toArray(String[]::new));
        assertTrue(result.ok(), "connect failed: " + result.output());
    }

    private Namespaces.Result client(long timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns("c1"), netproxy.toString()));
        command.addAll(List.of(args));
        return Namespaces.run(Map.of("NETPROXY_RUN_DIR", clientRun.toString(), "NETPROXY_STATE_DIR",
                clientState.toString()), timeoutSeconds, command);
    }

    private String clientStatus() throws Exception {
        return client(30, "status").output();
    }

    /** A command of the foreground server, through its control socket. */
    private String serverCommand(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns("srv"), netproxy.toString()));
        command.addAll(List.of(args));
        return Namespaces.run(Map.of("NETPROXY_RUN_DIR", serverRun.toString()), 30, command).output();
    }

    private void blockUdp() throws Exception {
        router("-I");
        udpBlocked = true;
    }

    private void unblockUdp() throws Exception {
        router("-D");
        udpBlocked = false;
    }

    private void router(String action) throws Exception {
        List<String> command = new ArrayList<>(List.of("iptables", action));
        command.addAll(BLOCK_UDP);
        Namespaces.Result result = Namespaces.inNamespace(ns("rtr"), command.toArray(String[]::new));
        assertTrue(result.ok(), "router firewall: " + result.output());
    }

    /** Pings the internet host through the tunnel every 100 ms, with timestamps, until destroyed. */
    private Process pingStream(String label) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", ns("c1"), "ping", "-D", "-i", "0.1", INTERNET)
                .redirectErrorStream(true).redirectOutput(work.resolve("ping-" + label + ".log").toFile()).start();
    }

    /** The longest time between two ping replies, from {@code ping -D}'s {@code [epoch.micros]} stamps. */
    private static long longestGapMillis(Path log) throws IOException {
        double previous = -1;
        double longest = 0;
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("[") || !line.contains("bytes from")) continue;
            double at = Double.parseDouble(line.substring(1, line.indexOf(']')));
            if (previous >= 0) longest = Math.max(longest, at - previous);
            previous = at;
        }
        return Math.round(longest * 1000);
    }

    /** Downloads bytes of a known pattern from the internet host and compares their SHA-256. */
    private void checkedTransfer(int size) throws Exception {
        Namespaces.Result result = Namespaces.inNamespace(ns("c1"), "timeout", "60", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080; printf 'GET /bytes/" + size + " HTTP/1.0\\r\\n\\r\\n' >&3;"
                        + " sed '1,/^\\r$/d' <&3 | sha256sum");
        assertTrue(result.ok(), result.output());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[8192];
        for (long sent = 0; sent < size; ) {
            int n = (int) Math.min(chunk.length, size - sent);
            for (int i = 0; i < n; i++) chunk[i] = (byte) ((sent + i) * 31 % 251);
            sha.update(chunk, 0, n);
            sent += n;
        }
        assertEquals(HexFormat.of().formatHex(sha.digest()), result.output().split("\\s+")[0], "bytes through the tunnel");
    }
}
