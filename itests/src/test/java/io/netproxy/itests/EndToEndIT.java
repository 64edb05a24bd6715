package io.netproxy.itests;

import static io.netproxy.itests.Topology.INTERNET;
import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution as a user runs it, on the test network of scripts/netns-topology.sh: clients c1 and c2,
 * a router, the VPN server and an internet host with a what-is-my-IP service. Every test leaves the
 * client and server namespaces exactly as it found them (routes, iptables and nftables, forwarding, links). The
 * tests that change the server's firewall run with each network configurator; the others with the default one.
 */
class EndToEndIT extends OnTopology {
    EndToEndIT() {
        super('e');
    }

    @Test
    void withoutTheVpnTheInternetSeesTheClient() throws Exception {
        assertEquals("192.0.2.2", topology.whatIsMyIp("c1"));
        assertEquals("192.0.2.18", topology.whatIsMyIp("c2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void twoClientsShareOneServerInPasswordMode(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        Path password = topology.secret("password", "correct horse battery staple");
        Installation server = startServer("--password-file", password.toString(), "--netconf", netconf);
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "the server's rules are " + netconf + "'s");
        Installation c1 = connect("c1", "--password-file", password.toString(), "--netconf", netconf);
        Installation c2 = connect("c2", "--password-file", password.toString(), "--netconf", netconf);

        assertEquals(SERVER, topology.whatIsMyIp("c1"), "client 1 leaves through the server");
        assertEquals(SERVER, topology.whatIsMyIp("c2"), "client 2 leaves through the server");
        assertTrue(Namespaces.inNamespace(ns("c1"), "ping", "-c", "3", "-W", "2", INTERNET).ok(), "ping through the tunnel");
        assertTrue(Namespaces.inNamespace(ns("c2"), "ping", "-c", "1", "-W", "2", "198.18.0.1").ok(), "ping the server's tunnel address");
        topology.checkedDownload("c1", 20_000_000);
        topology.checkedDownload("c2", 5_000_000);

        String peers = server.run("peers").output();
        assertEquals(2, peers.lines().filter(l -> l.startsWith("peer: ")).count(), peers);
        assertTrue(c1.run("status").output().contains("client connected"), "client status");

        assertTrue(c1.run("disconnect").ok());
        assertTrue(c2.run("disconnect").ok());
        assertEquals("192.0.2.2", topology.whatIsMyIp("c1"), "after disconnect, the client is itself again");
    }

    @Test
    void aWrongPasswordIsRejectedWithAClearMessage() throws Exception {
        startServer("--password-file", topology.secret("right", "the right password").toString());
        Installation client = sharedInstallation("c1");
        long start = System.nanoTime();
        Namespaces.Result result = client.run(40, "connect", SERVER, "--password-file",
                topology.secret("wrong", "a wrong password").toString(), "--timeout", "6");
        assertNotEquals(0, result.exitCode(), result.output());
        // the server answers (CPace checks the password at the client), so the client knows after three answers
        assertTrue(result.output().contains("but the password does not match"), result.output());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(35), "gave up in time");
    }

    /**
     * The commands as README gives them: {@code passwd} makes a server credential, a server started from it holds no
     * password, a client with the password that pins the key passwd printed connects, and one that pins another key
     * gives up at the server's first answer.
     */
    @Test
    void aServerFromItsCredentialAndClientsThatPinItsKey() throws Exception {
        Path password = topology.secret("password", "a passphrase of a few random words");
        Path credential = work.resolve("server.credential");
        String made = sharedInstallation("srv").ok("passwd", credential.toString(), "--password-file", password.toString());
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("server public key (\\S+)").matcher(made);
        assertTrue(key.find(), made);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)));
        assertTrue(!Files.readString(credential).contains("a passphrase"), "the password is not in the credential");

        startServer("--password-credential", credential.toString());
        connect("c1", "--password-file", password.toString(), "--server-key", key.group(1));
        assertEquals(SERVER, topology.whatIsMyIp("c1"));

        String otherKey = genkey("other.key");
        Namespaces.Result wary = sharedInstallation("c2").run(40, "connect", SERVER, "--password-file",
                password.toString(), "--server-key", otherKey, "--timeout", "10");
        assertNotEquals(0, wary.exitCode(), wary.output());
        assertTrue(wary.output().contains("not the pinned key " + otherKey), wary.output());
    }

    @Test
    void keyModeAuthenticatesBothSides() throws Exception {
        String serverKey = genkey("server.key");
        String clientKey = genkey("client.key");
        String strangerKey = genkey("stranger.key");
        startServer("--key", work.resolve("server.key").toString(), "--peer", clientKey);
        connect("c1", "--key", work.resolve("client.key").toString(), "--server-key", serverKey);
        assertEquals(SERVER, topology.whatIsMyIp("c1"));

        Namespaces.Result stranger = sharedInstallation("c2").run(40, "connect", SERVER, "--key",
                work.resolve("stranger.key").toString(), "--server-key", serverKey, "--timeout", "5");
        assertNotEquals(0, stranger.exitCode(), "a key the server does not list is refused: " + stranger.output());
        Namespaces.Result wrongServer = sharedInstallation("c2").run(40, "connect", SERVER, "--key",
                work.resolve("client.key").toString(), "--server-key", strangerKey, "--timeout", "5");
        assertNotEquals(0, wrongServer.exitCode(), "a client that pins another server key never connects");
    }

    @Test
    void aKilledClientReconnectsAtOnceAndItsLeftoversAreReverted() throws Exception {
        Path password = topology.secret("password", "reconnect password");
        startServer("--password-file", password.toString());
        Installation first = connect("c1", "--password-file", password.toString());
        ProcessHandle killed = ProcessHandle.of(first.pid()).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().join();
        // The kernel removes the TUN device and its routes with the process; the pinned route stays behind.
        assertTrue(Namespaces.inNamespace(ns("c1"), "ip", "route").output().contains(SERVER + " via"),
                "kill -9 leaves the pinned route to the server behind");

        // Same state directory: the new instance finds the journal and reverts it before connecting.
        Installation again = connect(first, "--password-file", password.toString());
        assertEquals(SERVER, topology.whatIsMyIp("c1"));
        assertTrue(again.run("disconnect").ok());
    }

    @Test
    void aClientFollowsARestartedServerWithoutBeingRestarted() throws Exception {
        Path password = topology.secret("password", "restart password");
        Process first = sharedInstallation("srv").serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        Installation client = connect("c1", "--password-file", password.toString());
        assertEquals(SERVER, topology.whatIsMyIp("c1"));

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
        assertEquals(SERVER, topology.whatIsMyIp("c1"), "traffic flows through the restarted server");
        assertTrue(client.run("disconnect").ok());
    }

    @Test
    void whatTheInstanceLogsDuringAShellCommandGoesToItsLogNotToTheShell() throws Exception {
        Path password = topology.secret("password", "shell password");
        startServer("--password-file", password.toString());
        Installation client = connect("c1", "--password-file", password.toString());
        String output = client.shell("netproxy:disconnect client");
        assertTrue(output.contains("stopped tunnel 'client'"), "the command's own answer: " + output);
        assertFalse(output.contains(" INFO "), "no log line of the instance in the shell: " + output);
        Namespaces.waitFor(() -> client.log().contains("tunnel client stopped"), 30, "the instance's log to say so");
    }

    @Test
    void garbageAtTheServerIsCountedAndDropped() throws Exception {
        Path password = topology.secret("password", "garbage password");
        Installation server = startServer("--password-file", password.toString());
        connect("c1", "--password-file", password.toString());
        // Random datagrams of random sizes, and truncated or oversized ones, from the other client.
        Namespaces.Result blast = Namespaces.inNamespace(ns("c2"), "bash", "-c",
                "for i in $(seq 300); do head -c $((RANDOM % 1500 + 1)) /dev/urandom > /dev/udp/" + SERVER + "/6767; done;"
                        + " for t in 1 2 4; do for n in 1 15 16 31 100 60000; do"
                        + " { printf \"\\\\x0$t\\\\x00\\\\x00\\\\x00\"; head -c $n /dev/urandom; } > /dev/udp/" + SERVER + "/6767; done; done");
        assertTrue(blast.ok(), blast.output());
        assertEquals(SERVER, topology.whatIsMyIp("c1"), "the tunnel still works");
        topology.checkedDownload("c1", 2_000_000);
        String status = server.run("status").output();
        assertTrue(Pattern.compile("drops: .*\\d+ (malformed|handshake)").matcher(status).find(), status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void cleanupRevertsWhatAKilledServerLeft(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        Installation server = sharedInstallation("srv");
        Process process = server.serve("--password-file", topology.secret("password", "cleanup").toString(),
                "--pool", "198.18.0.0/24", "--netconf", netconf);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "kill -9 leaves rules");
        Namespaces.Result cleanup = server.run("cleanup");
        // the instance that cleanup starts reverts the journal at its start, and cleanup says so rather than "nothing"
        assertTrue(cleanup.ok() && cleanup.output().contains("when this instance started: tunnel server: "), cleanup.output());
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private String ns(String host) {
        return topology.ns(host);
    }

    private Installation startServer(String... args) throws Exception {
        Installation server = sharedInstallation("srv");
        List<String> command = new ArrayList<>(List.of(args));
        // tunnel networks of tests come from the benchmark range too, never the private default
        if (!command.contains("--pool")) command.addAll(List.of("--pool", "198.18.0.0/24"));
        server.serve(command.toArray(String[]::new));
        return server;
    }

    private Installation connect(String host, String... args) throws Exception {
        return connect(sharedInstallation(host), args);
    }

    private Installation connect(Installation client, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("connect", SERVER, "-d"));
        command.addAll(List.of(args));
        Namespaces.Result result = client.run(60, command.toArray(String[]::new));
        assertTrue(result.ok(), "connect failed: " + result.output());
        return client;
    }
}
