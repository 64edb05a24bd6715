package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client reaches its server over IPv6 (issue 9, IPv6 outside): the server, naming no address, listens on both
 * families; the client connects to its IPv6 literal in full-tunnel mode with the kill switch, for both configurators.
 * IPv4 goes through the tunnel (the internet host sees the server's address); IPv6 reaches the server and nothing
 * else (the IPv6 block and the kill switch let the server's IPv6 address through, and no pinned route is needed since
 * the tunnel routes IPv4 only); after disconnect the namespace is as before (OnTopology). A tunnel that carries IPv6
 * as well pins a route to the server's IPv6 address, so its own packets do not go into it. A host name whose only
 * address is IPv6 works as its literal does.
 */
class Ipv6UnderlayIT extends OnTopology {
    private static final String CLIENT = "192.0.2.2";
    private static final String ROUTER_ON_CLIENT_LINK = "2001:db8:c1::1";
    private static final String SERVER_IPV6 = "2001:db8:5e::10";

    private Installation client;

    Ipv6UnderlayIT() {
        super('6');
    }

    @AfterEach
    void liftALeftKillSwitch() throws Exception {
        if (client != null) client.run(60, "cleanup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void aClientConnectsOverIpv6AndOnlyItsServerGetsIpv6(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        String password = topology.secret("password", "v6 password").toString();
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password, "--pool", "198.18.0.0/24");
        client = sharedInstallation("c1");
        Namespaces.Result connect = client.run(60, "connect", "[" + SERVER_IPV6 + "]", "-d", "--password-file", password,
                "--kill-switch", "--netconf", netconf);
        assertTrue(connect.ok(), "connect over IPv6: " + connect.output());
        assertTrue(connect.output().contains("to [2001:db8:5e:0:0:0:0:10]:6767"), connect.output());
        assertTrue(connect.output().contains("no pinned route"), connect.output());

        assertEquals(SERVER, topology.whatIsMyIp("c1"), "IPv4 through the tunnel");
        String peers = server.ok("peers");
        assertTrue(peers.contains("endpoint: [2001:db8:c1:0:0:0:0:2]:"), "the server sees the client's IPv6 address: " + peers);
        String c1 = topology.ns("c1");
        assertTrue(Namespaces.inNamespace(c1, "ping", "-6", "-c", "1", "-W", "2", SERVER_IPV6).ok(), "IPv6 to the server");
        Namespaces.Result elsewhere = Namespaces.inNamespace(c1, "bash", "-c",
                "echo probe > /dev/udp/" + ROUTER_ON_CLIENT_LINK + "/53");
        assertTrue(!elsewhere.ok() && elsewhere.output().contains("Operation not permitted"),
                "IPv6 to anything but the server is dropped: " + elsewhere.output());

        assertTrue(client.run("disconnect").ok());
        assertEquals(CLIENT, topology.whatIsMyIp("c1"), "after disconnect the client reaches the internet on its own");
        assertTrue(Namespaces.inNamespace(c1, "bash", "-c", "echo probe > /dev/udp/" + ROUTER_ON_CLIENT_LINK + "/53").ok(),
                "and IPv6 flows again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void aDualStackTunnelOverIpv6PinsTheRouteToItsServer(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        String password = topology.secret("password", "v6 both ways").toString();
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password, "--pool", "198.18.0.0/24", "--pool6", "2001:db8:7e::/64",
                "--netconf", netconf);
        client = sharedInstallation("c1");
        Namespaces.Result connect = client.run(60, "connect", "[" + SERVER_IPV6 + "]", "-d", "--password-file", password,
                "--netconf", netconf);
        assertTrue(connect.ok(), "connect over IPv6: " + connect.output());
        assertTrue(connect.output().contains("pinned route to the server: 2001:db8:5e:0:0:0:0:10/128 via "
                + ROUTER_ON_CLIENT_LINK), connect.output());

        String c1 = topology.ns("c1");
        String toServer = Namespaces.inNamespace(c1, "ip", "-6", "route", "get", SERVER_IPV6).output();
        assertTrue(toServer.contains("dev eth0"), "the server is reached outside the tunnel: " + toServer);
        assertTrue(Namespaces.inNamespace(c1, "ping", "-6", "-c", "1", "-W", "2", "2001:db8:7e::1").ok(),
                "IPv6 through the tunnel to the server's tunnel address");
        assertEquals(SERVER, topology.whatIsMyIp("c1"), "IPv4 through the tunnel");
        assertTrue(client.run("disconnect").ok());
    }

    /**
     * A name with only an IPv6 address (in c1's own hosts file, which {@code ip netns exec} mounts over /etc/hosts)
     * is looked up and connected to as the literal is.
     */
    @Test
    void aClientConnectsToANameThatResolvesToIpv6() throws Exception {
        String password = topology.secret("password", "v6 password").toString();
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password, "--pool", "198.18.0.0/24");
        client = sharedInstallation("c1");
        try (EtcNetns etc = EtcNetns.of(topology.ns("c1"))) {
            Files.writeString(etc.file("hosts"), "127.0.0.1 localhost\n::1 localhost\n" + SERVER_IPV6 + " vpn6.example\n");
            Namespaces.Result connect = client.run(60, "connect", "vpn6.example", "-d", "--password-file", password);
            assertTrue(connect.ok(), "connect to a name with an IPv6 address: " + connect.output());
            assertTrue(connect.output().contains("to [2001:db8:5e:0:0:0:0:10]:6767"), connect.output());
            assertEquals(SERVER, topology.whatIsMyIp("c1"), "IPv4 through the tunnel");
            assertTrue(client.run("disconnect").ok());
        }
    }

    /**
     * A name with an IPv4 and an IPv6 address: the client connects to the first, IPv4, with the kill switch; when the
     * router stops forwarding the client's IPv4, the client moves to the server's IPv6 address, the kill switch letting
     * that through, and the tunnel carries the client's traffic again, now over IPv6.
     */
    @Test
    void aClientMovesToTheServersIpv6AddressWhenItsNetworkLosesIpv4() throws Exception {
        String password = topology.secret("password", "v6 password").toString();
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password, "--pool", "198.18.0.0/24");
        client = sharedInstallation("c1");
        List<String> dropIpv4 = List.of("FORWARD", "-s", CLIENT, "-j", "DROP");
        try (EtcNetns etc = EtcNetns.of(topology.ns("c1"))) {
            Files.writeString(etc.file("hosts"), "127.0.0.1 localhost\n::1 localhost\n" + SERVER + " vpn.example\n"
                    + SERVER_IPV6 + " vpn.example\n");
            Namespaces.Result connect = client.run(60, "connect", "vpn.example", "-d", "--password-file", password,
                    "--kill-switch");
            assertTrue(connect.ok() && connect.output().contains("to " + SERVER + ":6767"), "over IPv4 first: "
                    + connect.output());
            assertEquals(SERVER, topology.whatIsMyIp("c1"));
            String status = client.ok("status");
            assertTrue(status.contains("traffic to the server " + SERVER + ", 2001:db8:5e:0:0:0:0:10"),
                    "the kill switch lets both of the server's addresses through from the start: " + status);

            assertTrue(inRouter("iptables", "-I", dropIpv4).ok());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String peers = "";
            while (!peers.contains("endpoint: [2001:db8:c1:0:0:0:0:2]:")) {
                assertTrue(System.nanoTime() < deadline, "the client did not move to IPv6 within 90 s: " + peers
                        + "\n" + client.log());
                // traffic through the tunnel: unanswered, it makes the client notice the silence sooner
                Namespaces.inNamespace(topology.ns("c1"), "ping", "-c", "1", "-W", "1", "198.18.0.1");
                peers = server.ok("peers");
            }
            assertEquals(SERVER, topology.whatIsMyIp("c1"), "the tunnel carries traffic again, over IPv6");
            assertTrue(client.log().contains("trying its address [2001:db8:5e:0:0:0:0:10]:6767"), client.log());
            assertFalse(client.log().contains("running on the new TUN device"), "the host was set up for both addresses: "
                    + "the move rebuilt nothing\n" + client.log());
            assertTrue(client.run("disconnect").ok());
        } finally {
            inRouter("iptables", "-D", dropIpv4);
        }
    }

    private Namespaces.Result inRouter(String tool, String action, List<String> rule) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(tool, action));
        command.addAll(rule);
        return Namespaces.inNamespace(topology.ns("rtr"), command.toArray(String[]::new));
    }

    /** Before OnTopology's snapshots: IPv6 on the client's and the server's links, routed by the router. */
    @BeforeAll
    void ipv6Underlay() throws Exception {
        topology.setUp(List.of(
                List.of("rtr", "ip", "addr", "add", ROUTER_ON_CLIENT_LINK + "/64", "dev", "c1", "nodad"),
                List.of("rtr", "ip", "addr", "add", "2001:db8:5e::1/64", "dev", "srv", "nodad"),
                List.of("rtr", "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"),
                List.of("c1", "ip", "addr", "add", "2001:db8:c1::2/64", "dev", "eth0", "nodad"),
                List.of("c1", "ip", "-6", "route", "add", "default", "via", ROUTER_ON_CLIENT_LINK),
                List.of("srv", "ip", "addr", "add", SERVER_IPV6 + "/64", "dev", "eth0", "nodad"),
                List.of("srv", "ip", "-6", "route", "add", "default", "via", "2001:db8:5e::1")));
    }
}
