package io.netproxy.itests;

import static io.netproxy.itests.Topology.INTERNET;
import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client connected with {@code --kill-switch} sends nothing outside the tunnel: with its server gone (the client
 * reconnecting) and after the client itself was killed, a capture on the router's side of the client's link sees
 * only the client's packets to the VPN server's address, ARP and IPv6 neighbour discovery, while it tries the internet
 * host over TCP, UDP, ICMP and IPv6. {@code cleanup --keep-kill-switch} (what the systemd units run after their
 * instance) reverts the rest and keeps the kill switch; {@code cleanup} and {@code disconnect} let everything flow again
 * and leave the namespace as it was (OnTopology compares ip6tables too).
 */
class KillSwitchIT extends OnTopology {
    private static final String CLIENT = "192.0.2.2";
    /** The router's side of c1's link, with an IPv6 address so that the client has somewhere to send IPv6. */
    private static final String ROUTER_IPV6 = "2001:db8:c1::1";

    private Installation client;

    KillSwitchIT() {
        super('k');
    }

    /** Before OnTopology stops the instances: a kill switch that a failed test left would block the next test. */
    @AfterEach
    void liftALeftKillSwitch() throws Exception {
        if (client != null) client.run(60, "cleanup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void nothingLeavesOutsideTheTunnelWhileTheServerIsGoneNorAfterTheClientWasKilled(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        Prerequisites.require(Prerequisites.onPath("tcpdump"), "tcpdump (apt-get install tcpdump)");
        Process server = startServer();
        connect("--kill-switch", "--netconf", netconf);
        assertEquals(SERVER, topology.whatIsMyIp("c1"), "through the tunnel");
        String status = client.ok("status");
        assertTrue(status.contains("kill switch"), status);
        if (Prerequisites.onPath("nft")) {
            // the kill switch moves with the plan, make before break, and the rest of the test runs on the other one
            String other = netconf.equals("iptables") ? "nftables" : "iptables";
            assertTrue(client.run("swap", "netconf", other).ok());
            assertTrue(hasKillSwitch(other) && !hasKillSwitch(netconf), "the kill switch is " + other + "'s alone");
            assertEquals(SERVER, topology.whatIsMyIp("c1"), "still through the tunnel");
        }

        String mac = Namespaces.inNamespace(topology.ns("c1"), "cat", "/sys/class/net/eth0/address").output().strip();
        try (Capture capture = Capture.onRouterSideOf("c1", "ether src " + mac, topology, work.resolve("c1-" + netconf + ".pcap"))) {
            Namespaces.stop(server);
            assertNothingReachesTheInternet("with the server gone", false);
            // the client goes on trying its server, which the kill switch lets through
            Namespaces.waitFor(() -> capture.packets().stream().anyMatch(p -> p.contains(CLIENT + ".") && p.contains(" > " + SERVER + ".")),
                    30, "a handshake retry to the server in the capture");

            ProcessHandle killed = ProcessHandle.of(client.pid()).orElseThrow();
            killed.destroyForcibly();
            killed.onExit().join();
            assertNothingReachesTheInternet("after kill -9 of the client", true);

            List<String> leaks = capture.packets().stream().filter(KillSwitchIT::leaks).toList();
            assertEquals(List.of(), leaks, "only packets to the server left the client");
        }

        // what the systemd units run after their instance: the rest goes, the kill switch stays
        Namespaces.Result keep = client.run(60, "cleanup", "--keep-kill-switch");
        assertTrue(keep.ok() && keep.output().contains("delete route " + SERVER + "/32") && !keep.output().contains("kill switch"),
                keep.output());
        assertNothingReachesTheInternet("after cleanup --keep-kill-switch", true);

        Namespaces.Result disconnect = client.run("disconnect");
        assertTrue(!disconnect.ok() && disconnect.output().contains("'netproxy cleanup' reverts what a killed one left"),
                "disconnect with no instance points to cleanup: " + disconnect.output());
        Namespaces.Result cleanup = client.run(60, "cleanup");
        assertTrue(cleanup.ok() && cleanup.output().contains("kill switch"), cleanup.output());
        assertEquals(CLIENT, topology.whatIsMyIp("c1"), "after cleanup the client reaches the internet on its own");
    }

    @Test
    void disconnectLiftsTheKillSwitch() throws Exception {
        startServer();
        connect("--kill-switch", "--allow-lan");
        assertEquals(SERVER, topology.whatIsMyIp("c1"));
        assertTrue(Namespaces.inNamespace(topology.ns("c1"), "ping", "-c", "1", "-W", "5", "192.0.2.1").ok(),
                "the LAN (the router) stays reachable with --allow-lan");
        assertTrue(client.run("disconnect").ok());
        assertEquals(CLIENT, topology.whatIsMyIp("c1"), "after disconnect the client reaches the internet on its own");
    }

    /**
     * TCP, UDP, ICMP to the internet host and IPv6 to the router get nowhere. IPv6 is refused at once (EPERM): no route
     * leads it into the tunnel. So is IPv4 once the TUN device is gone with the client; while it runs, IPv4 still goes
     * into the device, where the client holds it for want of a session, and the capture shows that it never leaks.
     */
    private void assertNothingReachesTheInternet(String when, boolean clientGone) throws Exception {
        String c1 = topology.ns("c1");
        Namespaces.Result tcp = Namespaces.inNamespace(c1, "timeout", "5", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080");
        assertFalse(tcp.ok(), when + ": TCP to the internet host: " + tcp.output());
        Namespaces.Result ping = Namespaces.inNamespace(c1, "ping", "-c", "1", "-W", "2", INTERNET);
        assertFalse(ping.ok(), when + ": ping: " + ping.output());
        Namespaces.Result udp = Namespaces.inNamespace(c1, "bash", "-c", "echo probe > /dev/udp/" + INTERNET + "/53");
        if (clientGone) assertRefused(when + ": UDP", udp);
        assertRefused(when + ": IPv6", Namespaces.inNamespace(c1, "bash", "-c", "echo probe > /dev/udp/" + ROUTER_IPV6 + "/53"));
    }

    /** Whether c1 has the kill switch rules of this configurator: its chain (iptables) or its inet table (nftables). */
    private boolean hasKillSwitch(String netconf) throws Exception {
        String ns = topology.ns("c1");
        return netconf.equals("iptables")
                ? Namespaces.inNamespace(ns, "iptables-save").output().matches("(?s).*:NETPROXY-\\w+-KS .*")
                : Namespaces.inNamespace(ns, "nft", "list", "tables").output().contains("table inet netproxy_ks_");
    }

    private static void assertRefused(String what, Namespaces.Result sent) {
        assertTrue(!sent.ok() && sent.output().contains("Operation not permitted"), what + ": " + sent.output());
    }

    /** Anything but ARP, IPv4 to the server and IPv6 neighbour discovery (tcpdump -n lines of the client's packets). */
    private static boolean leaks(String packet) {
        if (packet.contains(" ARP, ")) return false;
        if (packet.contains(" IP " + CLIENT)) return !packet.matches(".* > " + SERVER.replace(".", "\\.") + "[.:].*");
        return !packet.matches(".* IP6 .*ICMP6, (neighbor|router) (solicitation|advertisement).*");
    }

    /** Before OnTopology's snapshots: IPv6 on c1's link, so that the client has somewhere to send IPv6. */
    @BeforeAll
    void ipv6OnTheClientsLink() throws Exception {
        topology.setUp(List.of(
                List.of("rtr", "ip", "addr", "add", ROUTER_IPV6 + "/64", "dev", "c1", "nodad"),
                List.of("c1", "ip", "addr", "add", "2001:db8:c1::2/64", "dev", "eth0", "nodad"),
                List.of("c1", "ip", "-6", "route", "add", "default", "via", ROUTER_IPV6)));
    }

    private Process startServer() throws Exception {
        return sharedInstallation("srv").serve("--password-file", topology.secret("password", "ks password").toString(),
                "--pool", "198.18.0.0/24");
    }

    private void connect(String... args) throws Exception {
        client = sharedInstallation("c1");
        List<String> command = new ArrayList<>(List.of("connect", SERVER, "-d", "--password-file",
                topology.secret("password", "ks password").toString()));
        command.addAll(List.of(args));
        Namespaces.Result result = client.run(60, command.toArray(String[]::new));
        assertTrue(result.ok(), "connect failed: " + result.output());
    }

    /** tcpdump on one of the router's links, with a capture filter, written to a file and read back with {@code tcpdump -n -r}. */
    private static final class Capture implements AutoCloseable {
        private final Process tcpdump;
        private final Path file;

        private Capture(Process tcpdump, Path file) {
            this.tcpdump = tcpdump;
            this.file = file;
        }

        static Capture onRouterSideOf(String link, String filter, Topology topology, Path file) throws Exception {
            Path log = file.resolveSibling(file.getFileName() + ".log");
            Process tcpdump = new ProcessBuilder("ip", "netns", "exec", topology.ns("rtr"), "tcpdump", "-i", link, "-n",
                    "-U", "-w", file.toString(), filter).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Capture capture = new Capture(tcpdump, file);
            try {
                Namespaces.waitFor(() -> Files.readString(log).contains("listening on"), 30, "tcpdump on " + link);
            } catch (Exception | AssertionError e) {
                capture.close();
                throw e;
            }
            return capture;
        }

        /** What was captured so far, one line per packet. */
        List<String> packets() throws Exception {
            Namespaces.Result read = Namespaces.run(List.of("tcpdump", "-n", "-r", file.toString()));
            return read.output().lines().filter(line -> !line.startsWith("reading from file")).toList();
        }

        @Override
        public void close() throws InterruptedException {
            tcpdump.destroy();
            if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) tcpdump.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
