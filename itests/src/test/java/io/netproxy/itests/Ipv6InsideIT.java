package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tunnel carries IPv6 (issue 9, IPv6 inside): a server with {@code --pool6} gives a client, which has no IPv6 of
 * its own, the IPv6 twin of its IPv4 lease; the internet host, reached over IPv6 through the tunnel, sees the server's
 * IPv6 address (NAT66), and IPv4 still goes through as before; a packet with another IPv6 source is dropped as
 * spoofed; for both configurators, each on both ends. A server without an IPv6 pool leaves the client IPv4-only, with
 * IPv6 blocked. After disconnect the namespaces are as before (OnTopology).
 */
class Ipv6InsideIT extends OnTopology {
    private static final String INTERNET_IPV6 = Topology.INTERNET_IPV6;
    private static final String POOL6 = "2001:db8:7e::/64";
    private static final String CLIENT_IPV6 = "2001:db8:7e::2";

    Ipv6InsideIT() {
        super('i');
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void aClientWithoutIpv6ReachesTheIpv6InternetThroughTheTunnel(String netconf) throws Exception {
        Namespaces.requireConfigurator(netconf);
        String password = topology.secret("password", "v6 inside").toString();
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password, "--pool", "198.18.0.0/24", "--pool6", POOL6, "--netconf", netconf);
        Installation client = sharedInstallation("c1");
        Namespaces.Result connect = client.run(60, "connect", SERVER, "-d", "--password-file", password,
                "--netconf", netconf);
        assertTrue(connect.ok(), "connect: " + connect.output());
        assertTrue(connect.output().contains("IPv6 route ::/1 dev"), connect.output());

        String status = client.ok("status");
        assertTrue(status.contains(CLIENT_IPV6 + "/64"), "the client's device has the twin of its lease: " + status);
        assertEquals("2001:db8:5e:0:0:0:0:10", whatIsMyIpv6("c1"), "the internet sees the server's IPv6 address");
        assertEquals(SERVER, topology.whatIsMyIp("c1"), "IPv4 through the tunnel as before");

        String c1 = topology.ns("c1");
        String device = status.lines().filter(line -> line.strip().startsWith("device: ")).findFirst().orElseThrow()
                .strip().split(" ")[1];
        assertTrue(Namespaces.inNamespace(c1, "ip", "addr", "add", "2001:db8:7e::99/128", "dev", device, "nodad").ok());
        assertFalse(Namespaces.inNamespace(c1, "ping", "-6", "-c", "2", "-W", "1", "-I", "2001:db8:7e::99",
                INTERNET_IPV6).ok(), "another source address of the pool gets nowhere");
        String served = server.ok("status");
        assertTrue(served.matches("(?s).*drops: .*spoofed-source.*"), "the server counts it as spoofed: " + served);

        assertTrue(client.run("disconnect").ok());
    }

    @Test
    void aServerWithoutAnIpv6PoolLeavesTheClientIpv4Only() throws Exception {
        String password = topology.secret("password", "v4 only").toString();
        Installation server = sharedInstallation("srv");
        server.serve("--password-file", password, "--pool", "198.18.0.0/24");
        Installation client = sharedInstallation("c1");
        Namespaces.Result connect = client.run(60, "connect", SERVER, "-d", "--password-file", password);
        assertTrue(connect.ok(), "connect: " + connect.output());
        assertFalse(connect.output().contains("IPv6 route"), connect.output());
        assertEquals(SERVER, topology.whatIsMyIp("c1"));
        assertFalse(Namespaces.inNamespace(topology.ns("c1"), "ping", "-6", "-c", "1", "-W", "1", INTERNET_IPV6).ok(),
                "no IPv6 without an IPv6 pool");
        assertTrue(client.run("disconnect").ok());
    }

    /** The address the internet host's what-is-my-IP service sees a connection to its IPv6 address come from. */
    private String whatIsMyIpv6(String host) throws Exception {
        Namespaces.Result result = Namespaces.inNamespace(topology.ns(host), "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET_IPV6 + "/8080; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; tail -n 1 <&3");
        assertTrue(result.ok(), "what-is-my-IP over IPv6 from " + host + ": " + result.output());
        return result.output().trim();
    }

    @BeforeAll
    void ipv6BehindTheServer() throws Exception {
        topology.ipv6BehindTheServer();
    }
}
