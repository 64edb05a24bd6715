package io.netproxy.itests;

import static io.netproxy.itests.Topology.INTERNET;
import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client uses the DNS servers its server pushes, through the tunnel, and its resolver file comes back byte for
 * byte: after a disconnect, and after a {@code kill -9} and {@code cleanup}; with {@code --no-dns} it is never
 * touched; an IPv6 server, pushed with {@code --pool6}, is reached over the tunnel's IPv6; a pushed search domain
 * completes short names. The internet host runs
 * scripts/TinyDns.java, which names the source of each query; client c1 has a
 * resolver file of its own, /etc/netns/NS/resolv.conf, which {@code ip netns exec} mounts over /etc/resolv.conf
 * (the host's own is never touched).
 */
class DnsIT extends OnTopology {
    private static final String NAME = "probe.netproxy.test";
    private static final String ANSWER = "203.0.113.99";
    /** The client's own resolver file before the test: a server that does not exist, a mode and no final newline. */
    private static final byte[] ORIGINAL = "# c1's own resolver file\nnameserver 192.0.2.1\noptions timeout:1 attempts:1"
            .getBytes(StandardCharsets.US_ASCII);
    private static final String ORIGINAL_MODE = "rw-r-----";

    private Process dnsServer;
    private Path dnsLog;
    private EtcNetns etcNetns;
    private Path resolvConf;
    private Object resolvConfInode;

    DnsIT() {
        super('d');
    }

    @BeforeAll
    void dnsServerUp() throws Exception {
        topology.ipv6BehindTheServer(); // for the IPv6 DNS server
        dnsLog = work.resolve("tinydns.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        dnsServer = new ProcessBuilder("ip", "netns", "exec", topology.ns("net"), java,
                topology.scripts.resolve("TinyDns.java").toString(), "53", ANSWER)
                .redirectErrorStream(true).redirectOutput(dnsLog.toFile()).start();
        Namespaces.waitFor(() -> Files.readString(dnsLog).contains("listening"), 60, "the DNS server");
    }

    @AfterAll
    void dnsServerDown() throws Exception {
        if (dnsServer != null) dnsServer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clientHasAResolverFileOfItsOwn() throws IOException {
        etcNetns = EtcNetns.of(topology.ns("c1"));
        resolvConf = etcNetns.file("resolv.conf");
        Files.write(resolvConf, ORIGINAL);
        Files.setPosixFilePermissions(resolvConf, PosixFilePermissions.fromString(ORIGINAL_MODE));
        resolvConfInode = Files.getAttribute(resolvConf, "unix:ino");
    }

    /** Runs before OnTopology's check; the instances have stopped by then only if the test stopped them. */
    @AfterEach
    void removeTheResolverFile() throws IOException {
        etcNetns.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void theClientResolvesThroughTheTunnelAndItsResolverFileComesBack(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        startServer();
        Installation client = connect("--netconf", netconf);
        assertEquals(SERVER, topology.whatIsMyIp("c1"));
        assertEquals(List.of("nameserver " + INTERNET), nameservers(), "only the pushed server, none of the host's");
        assertResolvesThroughTheTunnel();

        // another configurator takes the plan over: the DNS servers stay in place throughout
        String other = netconf.equals("iptables") ? "nftables" : "iptables";
        if (Prerequisites.onPath("nft")) {
            assertTrue(client.run("swap", "netconf", other).ok());
            assertEquals(List.of("nameserver " + INTERNET), nameservers(), "still the pushed server");
            assertResolvesThroughTheTunnel();
        }

        assertTrue(client.run("disconnect").ok());
        assertResolverFileAsBefore("after disconnect");
    }

    @Test
    void anIpv6ServerIsReachedThroughTheTunnelsIpv6() throws Exception {
        // the IPv4 server, the VPN server's own tunnel address, answers no DNS: its port unreachable sends the resolver
        // on to the IPv6 one at once
        sharedInstallation("srv").serve("--password-file", topology.secret("password", "dns password").toString(),
                "--pool", "198.18.0.0/24", "--pool6", "2001:db8:7e::/64", "--dns", "198.18.0.1", "--dns",
                Topology.INTERNET_IPV6);
        Installation client = connect();
        assertEquals(List.of("nameserver 198.18.0.1", "nameserver " + Topology.INTERNET_IPV6), nameservers(),
                "the pushed servers, IPv4 first");
        String serverIpv6 = "2001:db8:5e:0:0:0:0:10"; // as the DNS server's log writes it
        long before = queriesFrom(serverIpv6);
        Namespaces.Result lookup = Namespaces.inNamespace(topology.ns("c1"), "timeout", "10", "getent", "ahostsv4", NAME);
        assertTrue(lookup.ok() && lookup.output().startsWith(ANSWER), "getent ahostsv4 " + NAME + ": " + lookup.output());
        assertTrue(queriesFrom(serverIpv6) > before, "the query came over IPv6 from the VPN server (the client has no "
                + "IPv6 of its own): " + Files.readString(dnsLog));
        assertTrue(client.run("disconnect").ok());
        assertResolverFileAsBefore("after disconnect");
    }

    @Test
    void aShortNameIsCompletedWithThePushedSearchDomainAndAskedThroughTheTunnel() throws Exception {
        sharedInstallation("srv").serve("--password-file", topology.secret("password", "dns password").toString(),
                "--pool", "198.18.0.0/24", "--dns", INTERNET, "--dns-search", "corp.netproxy.test");
        Installation client = connect();
        assertEquals(List.of("nameserver " + INTERNET, "search corp.netproxy.test"), Files.readAllLines(resolvConf).stream()
                .filter(line -> line.startsWith("nameserver") || line.startsWith("search")).toList());
        Namespaces.Result lookup = Namespaces.inNamespace(topology.ns("c1"), "timeout", "10", "getent", "ahostsv4", "wiki");
        assertTrue(lookup.ok() && lookup.output().startsWith(ANSWER), "getent ahostsv4 wiki: " + lookup.output());
        assertTrue(Files.readAllLines(dnsLog).contains("query wiki.corp.netproxy.test A from " + SERVER),
                "the resolver asked for the completed name, through the tunnel: " + Files.readString(dnsLog));
        assertTrue(client.run("disconnect").ok());
        assertResolverFileAsBefore("after disconnect");
    }

    @Test
    void cleanupPutsBackWhatAKilledClientLeft() throws Exception {
        startServer();
        Installation client = connect();
        assertEquals(List.of("nameserver " + INTERNET), nameservers());
        ProcessHandle killed = ProcessHandle.of(client.pid()).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().join();
        assertEquals(List.of("nameserver " + INTERNET), nameservers(), "kill -9 leaves the DNS servers behind");

        Namespaces.Result cleanup = client.run(60, "cleanup");
        assertTrue(cleanup.ok() && cleanup.output().contains("DNS: put back /etc/resolv.conf"), cleanup.output());
        assertResolverFileAsBefore("after cleanup");
    }

    @Test
    void withNoDnsTheClientKeepsItsResolverFile() throws Exception {
        startServer();
        Installation client = connect("--no-dns");
        assertEquals(SERVER, topology.whatIsMyIp("c1"), "connected");
        assertResolverFileAsBefore("while connected with --no-dns");
        assertTrue(client.run("disconnect").ok());
        assertResolverFileAsBefore("after disconnect");
    }

    private void assertResolvesThroughTheTunnel() throws Exception {
        long before = queriesFrom(SERVER);
        Namespaces.Result lookup = Namespaces.inNamespace(topology.ns("c1"), "timeout", "10", "getent", "ahostsv4", NAME);
        assertTrue(lookup.ok() && lookup.output().startsWith(ANSWER), "getent ahostsv4 " + NAME + ": " + lookup.output());
        assertTrue(queriesFrom(SERVER) > before, "the DNS server saw the query come from the VPN server: "
                + Files.readString(dnsLog));
        assertEquals(0, queriesFrom("192.0.2.2"), "never straight from the client: " + Files.readString(dnsLog));
    }

    private List<String> nameservers() throws IOException {
        return Files.readAllLines(resolvConf).stream().filter(line -> line.startsWith("nameserver")).toList();
    }

    private long queriesFrom(String source) throws IOException {
        return Files.readAllLines(dnsLog).stream().filter(line -> line.equals("query " + NAME + " A from " + source)).count();
    }

    private void assertResolverFileAsBefore(String when) throws IOException {
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf), "the client's resolver file " + when);
        assertEquals(ORIGINAL_MODE, PosixFilePermissions.toString(Files.getPosixFilePermissions(resolvConf)), when);
        assertEquals(resolvConfInode, Files.getAttribute(resolvConf, "unix:ino"), "the same file " + when);
    }

    private void startServer() throws Exception {
        sharedInstallation("srv").serve("--password-file", topology.secret("password", "dns password").toString(),
                "--pool", "198.18.0.0/24", "--dns", INTERNET);
    }

    private Installation connect(String... args) throws Exception {
        Installation client = sharedInstallation("c1");
        List<String> command = new ArrayList<>(List.of("connect", SERVER, "-d", "--password-file",
                topology.secret("password", "dns password").toString()));
        command.addAll(List.of(args));
        Namespaces.Result result = client.run(60, command.toArray(String[]::new));
        assertTrue(result.ok(), "connect failed: " + result.output());
        return client;
    }
}
