package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * netproxy as a newcomer tries it on one machine: {@code ip netns exec NS bin/netproxy ...} with the default
 * directories, so every instance finds /run/netproxy and /var/lib/netproxy shared with the others. Each
 * instance must still act only in its own namespace: a server in srv and clients in c1 and c2 at once, commands
 * that reach only their own namespace's instance, and crash records reverted only where they were made. Each test
 * runs with each network configurator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceIsolationIT {
    private static final String SERVER = "198.51.100.10";
    private static final String SERVER_TUNNEL_ADDRESS = "198.18.0.1";

    @TempDir
    static Path work;
    private final String prefix = Namespaces.prefix('i');
    private Path netproxy;
    private Path scripts;
    private Path password;
    private final List<Process> foreground = new ArrayList<>();
    private Map<String, String> before;
    /** The default directories' parents that the instances will make, if they are not there yet. */
    private final List<Path> madeByTheTest = new ArrayList<>();

    @BeforeAll
    void network() throws Exception {
        Prerequisites.requireIsolatedRoot();
        for (String parent : List.of("/run/netproxy", "/run/netproxy/netns", "/var/lib/netproxy", "/var/lib/netproxy/netns")) {
            if (!Files.exists(Path.of(parent))) madeByTheTest.add(0, Path.of(parent));
        }
        netproxy = Prerequisites.distribution().resolve("bin/netproxy");
        scripts = Path.of(System.getProperty("netproxy.scripts", "../scripts"));
        Namespaces.topology(scripts, "up", prefix);
        password = work.resolve("password");
        Files.createFile(password, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(password, "namespaces are not shared\n");
    }

    @AfterAll
    void teardown() throws Exception {
        if (scripts != null) Namespaces.topology(scripts, "down", prefix);
        // the default directories of the test's namespaces, which the instances made under the host's /run and /var/lib
        for (String host : Namespaces.CHECKED_HOSTS) {
            deleteTree(Path.of("/run/netproxy/netns", ns(host)));
            deleteTree(Path.of("/var/lib/netproxy/netns", ns(host)));
        }
        // and their parents, innermost first, where the test made them and nothing else uses them now
        for (Path parent : madeByTheTest) {
            try {
                Files.deleteIfExists(parent);
            } catch (java.nio.file.DirectoryNotEmptyException inUse) {
                // another instance keeps its directory there
            }
        }
    }

    @BeforeEach
    void snapshot() throws Exception {
        before = Namespaces.snapshots(prefix);
    }

    @AfterEach
    void everyNamespaceIsAsItWas() throws Exception {
        for (String host : List.of("c1", "c2")) netproxy(host, "disconnect");
        for (Process process : foreground) Namespaces.stop(process);
        foreground.clear();
        Namespaces.assertUnchanged(before, prefix);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void aServerAndTwoClientsInThreeNamespacesEachActOnlyInTheirOwn(String netconf) throws Exception {
        serve(Map.of(), netconf);
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "the server's rules are " + netconf + "'s");
        for (String client : List.of("c1", "c2")) {
            Namespaces.Result connected = netproxy(client, "connect", SERVER, "--password-file", password.toString(),
                    "--netconf", netconf, "-d");
            assertTrue(connected.ok(), client + ": " + connected.output());
            assertTrue(connected.output().contains("/var/lib/netproxy/netns/" + ns(client) + "/netproxy.log"),
                    "its own log: " + connected.output());
        }
        for (String client : List.of("c1", "c2")) {
            assertTrue(routes(client).contains("0.0.0.0/1 dev np0"), client + " routes through its own tunnel");
            assertTrue(ping(client), client + " reaches the server's tunnel address");
        }
        assertFalse(routes("srv").contains("0.0.0.0/1"), "the clients' routes never land in the server's namespace");

        String status = netproxy("c1", "status").output();
        assertTrue(status.contains("tunnel client: client connected") && !status.contains("tunnel server"), status);
        assertTrue(netproxy("c1", "disconnect").ok());
        assertFalse(routes("c1").contains("np0"), "c1's tunnel is gone");
        assertTrue(routes("c2").contains("0.0.0.0/1 dev np0") && ping("c2"), "disconnect in c1 leaves c2 connected");
        assertTrue(netproxy("srv", "status").output().contains("tunnel server"), "and the server running");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void anInstanceRefusesCommandsFromAnotherNamespace(String netconf) throws Exception {
        serve(Map.of(), netconf);
        // pointed at the server's control socket on purpose: the socket is reachable, the instance must say no
        Map<String, String> serversRunDir = Map.of("NETPROXY_RUN_DIR", "/run/netproxy/netns/" + ns("srv"));
        Namespaces.Result refused = netproxy(serversRunDir, "c1", "connect", SERVER, "--password-file", password.toString());
        assertEquals(2, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("this instance runs in network namespace " + ns("srv"))
                && refused.output().contains("came from network namespace " + ns("c1"))
                && refused.output().contains("ip netns exec " + ns("srv")), refused.output());
        assertFalse(routes("srv").contains("np1") || routes("srv").contains("0.0.0.0/1"), "nothing was done for c1");
        assertEquals(2, netproxy(serversRunDir, "c1", "disconnect").exitCode());
        assertTrue(netproxy("srv", "status").output().contains("tunnel server"), "the server still runs");

        Namespaces.Result nothingHere = netproxy("c2", "status");
        assertEquals(1, nothingHere.exitCode());
        assertTrue(nothingHere.output().contains("no running netproxy instance in network namespace " + ns("c2")),
                nothingHere.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void crashRecordsAreRevertedOnlyInTheNamespaceThatMadeThem(String netconf) throws Exception {
        // one state directory for both namespaces: the records themselves must say where they belong
        Map<String, String> shared = Map.of("NETPROXY_STATE_DIR", work.resolve("shared-state-" + netconf).toString());
        Process server = serve(shared, netconf);
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        foreground.remove(server);
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "kill -9 leaves the server's rules behind");

        Namespaces.Result elsewhere = netproxy(shared, "c2", "cleanup");
        assertTrue(elsewhere.ok(), elsewhere.output());
        assertTrue(elsewhere.output().contains("left the records in") && elsewhere.output().contains(ns("srv")),
                "names the records it left: " + elsewhere.output());
        assertFalse(elsewhere.output().contains("reverted"), elsewhere.output());
        assertTrue(Namespaces.hasServerRules(ns("srv"), netconf), "a cleanup in c2 leaves the server's namespace alone");

        Namespaces.Result home = netproxy(shared, "srv", "cleanup");
        assertTrue(home.ok() && home.output().contains("reverted"), home.output());
        assertFalse(Namespaces.hasServerRules(ns("srv"), netconf), "a cleanup in srv reverts its rules");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private String ns(String host) {
        return prefix + "-" + host;
    }

    private Process serve(Map<String, String> env, String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        Path log = work.resolve("server-" + netconf + "-" + foreground.size() + ".log");
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", ns("srv"), netproxy.toString(), "serve",
                "--password-file", password.toString(), "--pool", "198.18.0.0/24", "--netconf", netconf)
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        foreground.add(process);
        Namespaces.waitFor(() -> Files.readString(log).contains("serving tunnel") || !process.isAlive(), 60, "server start");
        assertTrue(process.isAlive(), "server exited: " + Files.readString(log));
        return process;
    }

    private Namespaces.Result netproxy(String host, String... args) throws Exception {
        return netproxy(Map.of(), host, args);
    }

    private Namespaces.Result netproxy(Map<String, String> env, String host, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns(host), netproxy.toString()));
        command.addAll(List.of(args));
        return Namespaces.run(env, 60, command);
    }

    private String routes(String host) throws Exception {
        return Namespaces.inNamespace(ns(host), "ip", "route").output();
    }

    private boolean ping(String host) throws Exception {
        return Namespaces.inNamespace(ns(host), "ping", "-c", "1", "-W", "2", SERVER_TUNNEL_ADDRESS).ok();
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) return;
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        }
    }
}
