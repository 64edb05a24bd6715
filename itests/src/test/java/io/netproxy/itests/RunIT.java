package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/netproxy run} as a service manager runs it and {@code status} as a health check, the way a newcomer
 * tries them: tunnel files in etc/, {@code ip netns exec NS bin/netproxy run} with the default directories. The
 * tunnels come up and carry traffic, {@code status} and {@code status --json} describe them and fail while one is
 * down, SIGTERM stops {@code run} with exit code 0 and every host change reverted (checked after each test by
 * {@link OnTopology}), and a missing or bad tunnel file stops it at once with the file, line and what is wrong.
 */
class RunIT extends OnTopology {
    private static final List<String> DEFAULT_PARENTS = List.of("/run/netproxy", "/run/netproxy/netns",
            "/var/lib/netproxy", "/var/lib/netproxy/netns");
    /** The default directories' parents that the instances will make, innermost first, if they are not there yet. */
    private final List<Path> madeByTheTest = new ArrayList<>();
    private int copies;

    RunIT() {
        super('r');
    }

    @BeforeAll
    void noteTheDefaultDirectoriesParents() {
        for (String parent : DEFAULT_PARENTS) {
            if (!Files.exists(Path.of(parent))) madeByTheTest.add(0, Path.of(parent));
        }
    }

    @AfterAll
    void removeTheParentsTheTestMade() throws Exception {
        for (Path parent : madeByTheTest) {
            try {
                Files.deleteIfExists(parent);
            } catch (java.nio.file.DirectoryNotEmptyException inUse) {
                // another instance keeps its directory there
            }
        }
    }

    @Test
    void configuredTunnelsComeUpCarryTrafficReportStatusAndRevertOnSigterm() throws Exception {
        Path password = topology.secret("password", "run as a service");
        Installation server = newcomer("srv");
        server.configure("io.netproxy.tunnel-office.cfg", "role = server\npool = 198.18.0.0/24\npasswordFile = " + password + "\n");
        Process serverRun = server.runConfigured();
        awaitUp(server, 30, "the server's tunnel up");

        Installation client = newcomer("c1");
        Path clientFile = client.home.resolve("etc/io.netproxy.tunnel-home.cfg");
        client.configure(clientFile.getFileName().toString(), "role = client\nhost = " + SERVER + "\npasswordFile = " + password + "\n");
        Process clientRun = client.runConfigured();
        // status is the health check: it fails until the client is connected
        awaitUp(client, 40, "the client's tunnel up");

        assertEquals(SERVER, topology.whatIsMyIp("c1"), "the client's traffic leaves through the server");
        topology.checkedDownload("c1", 3_000_000);

        String status = client.ok("status");
        System.out.println("status of the client's instance:\n" + status + "\nand of the server's:\n" + server.ok("status"));
        for (String line : List.of("tunnel home: client connected", "  file: " + clientFile, "  server: " + SERVER + ":6767 (",
                "  device: np0 198.18.0.2/24", "  peer: ", "    endpoint: " + SERVER + ":6767 (udp)",
                "    tunnel address: 198.18.0.1", "    latest handshake: ", "    transfer: ")) {
            assertTrue(status.contains(line), "'" + line + "' in:\n" + status);
        }
        assertTrue(status.matches("(?s).*    transfer: [0-9.]+ MiB received, [0-9.]+ (KiB|MiB) sent.*"), status);

        JsonObject json = JsonParser.parseString(client.ok("status", "--json")).getAsJsonObject();
        assertTrue(json.get("healthy").getAsBoolean(), json.toString());
        JsonObject home = json.getAsJsonArray("tunnels").get(0).getAsJsonObject();
        assertEquals("home", home.get("name").getAsString());
        assertEquals("client", home.get("role").getAsString());
        assertTrue(home.get("up").getAsBoolean());
        assertEquals(clientFile.toString(), home.get("file").getAsString());
        assertEquals("np0", home.get("device").getAsString());
        JsonObject serverPeer = home.getAsJsonArray("peers").get(0).getAsJsonObject();
        assertEquals(SERVER + ":6767", serverPeer.get("endpoint").getAsString());
        assertTrue(serverPeer.get("rxBytes").getAsLong() > 3_000_000, serverPeer.toString());
        assertTrue(serverPeer.get("latestHandshakeSecondsAgo").getAsLong() < 130, serverPeer.toString());

        JsonArray peers = JsonParser.parseString(server.ok("peers", "--json")).getAsJsonObject().getAsJsonArray("peers");
        assertEquals(1, peers.size(), peers.toString());
        assertEquals("198.18.0.2", peers.get(0).getAsJsonObject().get("tunnelAddress").getAsString());
        assertTrue(server.ok("status").contains("tunnel office: server listening"), server.ok("status"));

        // SIGTERM to the server's run: exit code 0, and its namespace as it was (checked after the test)
        serverRun.destroy();
        assertTrue(serverRun.waitFor(60, TimeUnit.SECONDS), "run stopped on SIGTERM");
        assertEquals(0, serverRun.exitValue(), Files.readString(server.foregroundLog()));
        Namespaces.Result noInstance = server.run("status");
        assertEquals(1, noInstance.exitCode(), noInstance.output());
        assertTrue(noInstance.output().contains("no running netproxy instance"), noInstance.output());

        // the client notices its server is gone once its traffic goes unanswered: then status fails
        Process traffic = new ProcessBuilder("ip", "netns", "exec", topology.ns("c1"), "ping", "-q", "-i", "0.2", "-W", "1",
                Topology.INTERNET).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Namespaces.waitFor(() -> client.run("status").exitCode() == 1, 40, "status to fail while the tunnel is down");
        } finally {
            traffic.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Namespaces.Result down = client.run("status", "--json");
        assertEquals(1, down.exitCode(), down.output());
        String jsonLine = down.output().lines().filter(line -> line.startsWith("{")).findFirst().orElseThrow();
        JsonObject unhealthy = JsonParser.parseString(jsonLine).getAsJsonObject();
        assertFalse(unhealthy.get("healthy").getAsBoolean());
        assertFalse(unhealthy.getAsJsonArray("tunnels").get(0).getAsJsonObject().get("up").getAsBoolean());
        assertTrue(down.output().contains("netproxy: tunnel 'home' should be up but is "), down.output());

        clientRun.destroy();
        assertTrue(clientRun.waitFor(60, TimeUnit.SECONDS), "run stopped on SIGTERM");
        assertEquals(0, clientRun.exitValue(), Files.readString(client.foregroundLog()));
        String console = Files.readString(client.foregroundLog());
        assertTrue(console.contains("tunnel home started") && console.contains("tunnel home stopped"),
                "the instance logs to its console: " + console);
    }

    @Test
    void withoutATunnelFileOrWithABadOneRunStopsAtOnceSayingWhy() throws Exception {
        Installation server = newcomer("srv");
        Namespaces.Result none = server.run(90, "run");
        assertEquals(2, none.exitCode(), none.output());
        assertTrue(none.output().contains("no tunnel is configured: " + server.home.resolve("etc") + " has no"
                + " io.netproxy.tunnel-*.cfg file"), none.output());

        Path password = topology.secret("password", "a bad file");
        Path bad = server.home.resolve("etc/io.netproxy.tunnel-office.cfg");
        server.configure(bad.getFileName().toString(), "# the office link\nrole = server\nport = 99999\npool = 198.18.0.0/24\n"
                + "passwordFile = " + password + "\n");
        Namespaces.Result refused = server.run(90, "run");
        assertEquals(2, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains(bad + ":3: port: '99999' is not allowed; expected a whole number from 1 to 65535"),
                refused.output());
    }

    /**
     * {@code run NAME} as {@code netproxy@NAME.service} (Type=notify) runs it: with {@code NOTIFY_SOCKET} set to a
     * datagram socket of the test's own, a client whose server is not up yet tells its status but not READY=1; READY=1
     * comes once it is connected ({@code status} exits 0 then), and STOPPING=1 on SIGTERM. It runs the tunnel of its
     * file alone, not the other tunnel file beside it.
     */
    @Test
    void underAServiceManagerRunSaysReadyOnlyOnceItsTunnelIsUp() throws Exception {
        Path password = topology.secret("password", "ready when up");
        Installation client = newcomer("c1");
        client.configure("io.netproxy.tunnel-home.cfg", "role = client\nhost = " + SERVER + "\npasswordFile = " + password + "\n");
        client.configure("io.netproxy.tunnel-lab.cfg", "role = server\nport = 7001\npool = 198.18.7.0/24\npasswordFile = "
                + password + "\n");
        Path sockets = Files.createTempDirectory("netproxy-notify");
        try (NotifySocket manager = new NotifySocket(sockets.resolve("c1"))) {
            Process clientRun = client.runAsUnit(manager.path.toString(), "home");
            // no server yet: the client is not up, and says so without READY=1
            Optional<String> status = manager.awaitLine("READY=1", Duration.ofSeconds(6));
            assertTrue(status.isEmpty(), "READY=1 before the server runs: " + manager.received);
            assertTrue(manager.received.stream().anyMatch(m -> m.startsWith("STATUS=tunnel home: ")), manager.received.toString());
            assertEquals(1, client.run("status").exitCode(), "the client is not up yet");

            Installation server = newcomer("srv");
            server.configure("io.netproxy.tunnel-office.cfg", "role = server\npool = 198.18.0.0/24\npasswordFile = " + password + "\n");
            server.runConfigured();
            Optional<String> ready = manager.awaitLine("READY=1", Duration.ofSeconds(60));
            assertTrue(ready.isPresent(), "no READY=1 once the server runs: " + manager.received + "\nconsole:\n"
                    + Files.readString(client.foregroundLog()));
            Namespaces.Result up = client.run("status");
            assertEquals(0, up.exitCode(), "READY=1 came before the tunnel was up: " + up.output());
            assertTrue(ready.get().contains("STATUS=tunnel home: client connected"), ready.get());
            assertFalse(up.output().contains("tunnel lab"), "run home took up the other tunnel file: " + up.output());
            assertEquals(SERVER, topology.whatIsMyIp("c1"), "the client's traffic leaves through the server");

            clientRun.destroy();
            assertTrue(clientRun.waitFor(60, TimeUnit.SECONDS), "run stopped on SIGTERM");
            assertEquals(0, clientRun.exitValue(), Files.readString(client.foregroundLog()));
            assertTrue(manager.awaitLine("STOPPING=1", Duration.ofSeconds(5)).isPresent()
                    || manager.received.stream().anyMatch(m -> m.lines().anyMatch("STOPPING=1"::equals)),
                    "no STOPPING=1: " + manager.received);
        } finally {
            Files.deleteIfExists(sockets);
        }
    }

    @Test
    void runOfANameThatHasNoFileStopsAtOnceSayingWhich() throws Exception {
        Installation server = newcomer("srv");
        Namespaces.Result none = server.run(90, "run", "office");
        assertEquals(2, none.exitCode(), none.output());
        assertTrue(none.output().contains("no tunnel is configured: " + server.home.resolve("etc")
                + " has no io.netproxy.tunnel-office.cfg file"), none.output());
        Namespaces.Result bad = server.run(30, "run", "../x");
        assertEquals(2, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("'../x' is not the NAME of a file"), bad.output());
    }

    /** A copy of the distribution of its own in {@code host}'s namespace with that namespace's default directories. */
    private Installation newcomer(String host) throws Exception {
        Installation installation = Installation.withDefaultDirectories(topology.ns(host),
                work.resolve("newcomer-" + host + "-" + (++copies)));
        stoppedAfterTest(installation);
        return installation;
    }

    /** Waits until {@code status} succeeds; a timeout shows what status and the instance's console said. */
    private static void awaitUp(Installation instance, int seconds, String what) throws Exception {
        try {
            Namespaces.waitFor(() -> instance.run("status").exitCode() == 0, seconds, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nstatus:\n" + instance.run("status").output() + "\nconsole:\n"
                    + Files.readString(instance.foregroundLog()), e);
        }
    }
}
