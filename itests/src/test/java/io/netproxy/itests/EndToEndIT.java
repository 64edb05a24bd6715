package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution as a user runs it, on the test network of scripts/netns-topology.sh: clients c1 and c2,
 * a router, the VPN server and an internet host with a what-is-my-IP service. Every test leaves the
 * client and server namespaces exactly as it found them (routes, iptables and nftables, forwarding, links). The
 * tests that change the server's firewall run with each network configurator; the others with the default one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {
    private static final String SERVER = "198.51.100.10";
    private static final String INTERNET = "203.0.113.10";

    @TempDir
    static Path work;
    private final String prefix = Namespaces.prefix('e');
    private Path netproxy;
    private Path scripts;
    private Process whatIsMyIp;
    private final List<Process> servers = new ArrayList<>();
    private final List<Long> detachedPids = new ArrayList<>();
    private Map<String, String> before;
    private int instances;

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
    }

    @AfterAll
    void teardown() throws Exception {
        if (whatIsMyIp != null) whatIsMyIp.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (scripts != null) Namespaces.topology(scripts, "down", prefix);
    }

    @BeforeEach
    void snapshot() throws Exception {
        before = Namespaces.snapshots(prefix);
    }

    /** Stops what the test left running (by pid), then checks every namespace is as it was. */
    @AfterEach
    void hostStateIsRestored() throws Exception {
        for (Process server : servers) Namespaces.stop(server);
        servers.clear();
        for (long pid : detachedPids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        detachedPids.clear();
        Namespaces.assertUnchanged(before, prefix);
    }

    @Test
    void withoutTheVpnTheInternetSeesTheClient() throws Exception {
        assertEquals("192.0.2.2", whatIsMyIp("c1"));
        assertEquals("192.0.2.18", whatIsMyIp("c2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void twoClientsShareOneServerInPasswordMode(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        Path password = secret("password", "correct horse battery staple");
        Instance server = startServer("--password-file", password.toString(), "--netconf", netconf);
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "the server's rules are " + netconf + "'s");
        Instance c1 = connect("c1", "--password-file", password.toString(), "--netconf", netconf);
        Instance c2 = connect("c2", "--password-file", password.toString(), "--netconf", netconf);

        assertEquals(SERVER, whatIsMyIp("c1"), "client 1 leaves through the server");
        assertEquals(SERVER, whatIsMyIp("c2"), "client 2 leaves through the server");
        assertTrue(Namespaces.inNamespace(ns("c1"), "ping", "-c", "3", "-W", "2", INTERNET).ok(), "ping through the tunnel");
        assertTrue(Namespaces.inNamespace(ns("c2"), "ping", "-c", "1", "-W", "2", "198.18.0.1").ok(), "ping the server's tunnel address");
        checkedTransfer("c1", 20_000_000);
        checkedTransfer("c2", 5_000_000);

        String peers = server.run("peers").output();
        assertEquals(2, peers.lines().filter(l -> l.contains("peer ")).count(), peers);
        assertTrue(c1.run("status").output().contains("client connected"), "client status");

        assertTrue(c1.run("disconnect").ok());
        assertTrue(c2.run("disconnect").ok());
        assertEquals("192.0.2.2", whatIsMyIp("c1"), "after disconnect, the client is itself again");
    }

    @Test
    void aWrongPasswordIsRejectedWithAClearMessage() throws Exception {
        startServer("--password-file", secret("right", "the right password").toString());
        Instance client = instance("c1");
        long start = System.nanoTime();
        Namespaces.Result result = client.run(40, "connect", SERVER, "--password-file",
                secret("wrong", "a wrong password").toString(), "--timeout", "6");
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("password or key does not match"), result.output());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(35), "gave up in time");
    }

    @Test
    void keyModeAuthenticatesBothSides() throws Exception {
        String serverKey = genkey("server.key");
        String clientKey = genkey("client.key");
        String strangerKey = genkey("stranger.key");
        startServer("--key", work.resolve("server.key").toString(), "--peer", clientKey);
        connect("c1", "--key", work.resolve("client.key").toString(), "--server-key", serverKey);
        assertEquals(SERVER, whatIsMyIp("c1"));

        Namespaces.Result stranger = instance("c2").run(40, "connect", SERVER, "--key",
                work.resolve("stranger.key").toString(), "--server-key", serverKey, "--timeout", "5");
        assertNotEquals(0, stranger.exitCode(), "a key the server does not list is refused: " + stranger.output());
        Namespaces.Result wrongServer = instance("c2").run(40, "connect", SERVER, "--key",
                work.resolve("client.key").toString(), "--server-key", strangerKey, "--timeout", "5");
        assertNotEquals(0, wrongServer.exitCode(), "a client that pins another server key never connects");
    }

    @Test
    void aKilledClientReconnectsAtOnceAndItsLeftoversAreReverted() throws Exception {
        Path password = secret("password", "reconnect password");
        startServer("--password-file", password.toString());
        Instance first = connect("c1", "--password-file", password.toString());
        long pid = Long.parseLong(Files.readString(first.runDir.resolve("netproxy.pid")).trim());
        ProcessHandle killed = ProcessHandle.of(pid).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().join();
        // The kernel removes the TUN device and its routes with the process; the pinned route stays behind.
        assertTrue(Namespaces.inNamespace(ns("c1"), "ip", "route").output().contains(SERVER + " via"),
                "kill -9 leaves the pinned route to the server behind");

        // Same state directory: the new instance finds the journal and reverts it before connecting.
        Instance again = connect(first, "--password-file", password.toString());
        assertEquals(SERVER, whatIsMyIp("c1"));
        assertTrue(again.run("disconnect").ok());
    }

    @Test
    void aClientFollowsARestartedServerWithoutBeingRestarted() throws Exception {
        Path password = secret("password", "restart password");
        startServer("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        Instance client = connect("c1", "--password-file", password.toString());
        assertEquals(SERVER, whatIsMyIp("c1"));

        Process first = servers.remove(servers.size() - 1);
        first.destroy();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "server stopped");
        // The new server hands out another network: the client notices that its traffic goes unanswered,
        // handshakes again and rebuilds its device and routes for the new address.
        startServer("--password-file", password.toString(), "--pool", "198.18.1.0/24");
        long restarted = System.nanoTime();
        Process traffic = new ProcessBuilder("ip", "netns", "exec", ns("c1"), "ping", "-q", "-i", "0.2", "-W", "1", INTERNET)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // ProtocolTimers.UNANSWERED_AFTER_MILLIS (5 s) plus a tick and a handshake; the fake-clock test holds it
            // to 10 s, this one leaves room for a loaded machine.
            Namespaces.waitFor(() -> client.run("status").output().contains("198.18.1.2/24"), 20, "the client's new address");
        } finally {
            traffic.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        System.out.printf("a client with traffic followed the restarted server after %.1f s%n",
                (System.nanoTime() - restarted) / 1e9);
        assertEquals(SERVER, whatIsMyIp("c1"), "traffic flows through the restarted server");
        assertTrue(client.run("disconnect").ok());
    }

    @Test
    void whatTheInstanceLogsDuringAShellCommandGoesToItsLogNotToTheShell() throws Exception {
        Path password = secret("password", "shell password");
        startServer("--password-file", password.toString());
        Instance client = connect("c1", "--password-file", password.toString());
        ProcessBuilder shell = new ProcessBuilder(client.command("shell")).redirectErrorStream(true);
        shell.environment().putAll(client.env());
        Process process = shell.start();
        process.getOutputStream().write("netproxy:disconnect client\nexit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertTrue(output.contains("stopped tunnel 'client'"), "the command's own answer: " + output);
        assertFalse(output.contains(" INFO "), "no log line of the instance in the shell: " + output);
        Namespaces.waitFor(() -> Files.readString(client.stateDir.resolve("netproxy.log")).contains("tunnel client stopped"),
                30, "the instance's log to say so");
    }

    @Test
    void garbageAtTheServerIsCountedAndDropped() throws Exception {
        Path password = secret("password", "garbage password");
        Instance server = startServer("--password-file", password.toString());
        connect("c1", "--password-file", password.toString());
        // Random datagrams of random sizes, and truncated or oversized ones, from the other client.
        Namespaces.Result blast = Namespaces.inNamespace(ns("c2"), "bash", "-c",
                "for i in $(seq 300); do head -c $((RANDOM % 1500 + 1)) /dev/urandom > /dev/udp/" + SERVER + "/6767; done;"
                        + " for t in 1 2 4; do for n in 1 15 16 31 100 60000; do"
                        + " { printf \"\\\\x0$t\\\\x00\\\\x00\\\\x00\"; head -c $n /dev/urandom; } > /dev/udp/" + SERVER + "/6767; done; done");
        assertTrue(blast.ok(), blast.output());
        assertEquals(SERVER, whatIsMyIp("c1"), "the tunnel still works");
        checkedTransfer("c1", 2_000_000);
        String status = server.run("status").output();
        assertTrue(status.contains("drop.malformed=") || status.contains("drop.handshake="), status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void cleanupRevertsWhatAKilledServerLeft(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        Instance server = instance("srv");
        Process process = server.start("serve", "--password-file", secret("password", "cleanup").toString(),
                "--pool", "198.18.0.0/24", "--netconf", netconf);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        servers.remove(process);
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "kill -9 leaves rules");
        Namespaces.Result cleanup = server.run("cleanup");
        // the instance that cleanup starts reverts the journal at its start, and cleanup says so rather than "nothing"
        assertTrue(cleanup.ok() && cleanup.output().contains("when this instance started: tunnel server: "), cleanup.output());
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private String ns(String host) {
        return prefix + "-" + host;
    }

    /** One netproxy installation's run and state directories, in one namespace. */
    private final class Instance {
        final String namespace;
        final Path runDir;
        final Path stateDir;

        Instance(String host, Path dir) {
            this.namespace = ns(host);
            this.runDir = dir.resolve("run");
            this.stateDir = dir.resolve("state");
        }

        Map<String, String> env() {
            return Map.of("NETPROXY_RUN_DIR", runDir.toString(), "NETPROXY_STATE_DIR", stateDir.toString());
        }

        List<String> command(String... args) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, netproxy.toString()));
            command.addAll(List.of(args));
            return command;
        }

        Namespaces.Result run(String... args) throws Exception {
            return run(60, args);
        }

        Namespaces.Result run(long timeoutSeconds, String... args) throws Exception {
            return Namespaces.run(env(), timeoutSeconds, command(args));
        }

        Process start(String... args) throws Exception {
            Path log = runDir.getParent().resolve("foreground.log");
            ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env());
            Process process = builder.start();
            servers.add(process);
            Namespaces.waitFor(() -> Files.readString(log).contains("serving tunnel") || !process.isAlive(), 60, "server start");
            assertTrue(process.isAlive(), "server exited: " + Files.readString(log));
            return process;
        }
    }

    private Instance instance(String host) throws IOException {
        return new Instance(host, Files.createDirectories(work.resolve("instance-" + (++instances) + "-" + host)));
    }

    private Instance startServer(String... args) throws Exception {
        Instance server = instance("srv");
        List<String> command = new ArrayList<>(List.of("serve"));
        command.addAll(List.of(args));
        // tunnel networks of tests come from the benchmark range too, never the private default
        if (!command.contains("--pool")) command.addAll(List.of("--pool", "198.18.0.0/24"));
        server.start(command.toArray(String[]::new));
        return server;
    }

    private Instance connect(String host, String... args) throws Exception {
        return connect(instance(host), args);
    }

    private Instance connect(Instance client, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("connect", SERVER, "-d"));
        command.addAll(List.of(args));
        Namespaces.Result result = client.run(60, command.toArray(String[]::new));
        assertTrue(result.ok(), "connect failed: " + result.output());
        detachedPids.add(Long.parseLong(Files.readString(client.runDir.resolve("netproxy.pid")).trim()));
        return client;
    }

    private String genkey(String name) throws Exception {
        Namespaces.Result result = Namespaces.run(List.of(netproxy.toString(), "genkey", work.resolve(name).toString()));
        assertTrue(result.ok(), result.output());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve(name))));
        return result.output().lines().reduce((a, b) -> b).orElseThrow().trim();
    }

    private Path secret(String name, String content) throws IOException {
        Path file = work.resolve(name + "-" + (++instances));
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content + "\n");
        return file;
    }

    private String whatIsMyIp(String host) throws Exception {
        Namespaces.Result result = Namespaces.inNamespace(ns(host), "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; tail -n 1 <&3");
        assertTrue(result.ok(), "what-is-my-IP from " + host + ": " + result.output());
        return result.output().trim();
    }

    /** Downloads bytes of a known pattern from the internet host and compares their SHA-256. */
    private void checkedTransfer(String host, int size) throws Exception {
        Namespaces.Result result = Namespaces.inNamespace(ns(host), "timeout", "60", "bash", "-c",
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
