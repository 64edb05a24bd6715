package io.netproxy.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netproxy.api.KillSwitch;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine expects of every {@link NetworkConfigurator}: a server plan and a client plan take effect and,
 * once closed, leave the namespace exactly as before (routes of every table, policy rules, links, iptables and
 * nftables rules, forwarding sysctls); a plan that fails halfway reverts what it did and leaves the user's own
 * route alone; after a {@code kill -9} of the process that applied plans, {@link NetworkConfigurator#recover()}
 * in a new process reverts them, and a second recover finds nothing to do. A full-tunnel client plan drops IPv6
 * egress, which the tunnel does not carry, and a split one leaves it alone. A client's kill switch drops what would
 * leave outside the tunnel, IPv4 and IPv6, lets the tunnel, the server, loopback and (when asked) the LAN through,
 * survives a {@code kill -9} and the next {@code recover()}, and goes with {@code cleanup()} or when closed. A
 * configurator that {@linkplain NetworkConfigurator#supportsIpv6Inside() carries IPv6 inside} also forwards and
 * masquerades a server's IPv6 pool and routes a client's IPv6 networks through the tunnel, and reverts that too. A
 * client plan's DNS servers and search domains become those of the namespace's own resolver file, which closing the
 * plan, or {@code recover()} after a {@code kill -9}, puts back byte for byte.
 *
 * <p>Everything runs in a network namespace the contract creates for the test (an uplink with a default route
 * via 192.0.2.1, a TUN device {@value #TUN}, a few rules of "the user") and deletes afterwards. The configurator
 * runs in child JVMs started there ({@link ConfiguratorDriver}), which make the subclass through its no-argument
 * constructor and call {@link #newConfigurator(Path)}: it runs its tools in its process's namespace, as in a
 * netproxy instance. Needs root and iproute2: skipped without them, except under {@code CI=true}, where that fails.
 */
// A separate thread: a child that hangs holds the test thread in a pipe read, which no interrupt ends; the
// timeout fails the test and @AfterEach kills the child with the namespace.
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class NetworkConfiguratorContract {
    static final String TUN = "nptun0";
    static final String UPLINK = "npup0";
    static final String GATEWAY = "192.0.2.1";
    static final String SERVER = "198.51.100.7";
    static final String IPV6_GATEWAY = "2001:db8:2::1";
    static final String SERVER_IPV6 = "2001:db8:51::7";
    /** Somewhere on the internet, reached through the uplink's default routes. */
    private static final String ELSEWHERE = "203.0.113.9";
    private static final String ELSEWHERE_IPV6 = "2001:db8:99::9";
    /** Routed into the TUN device by the tests that need it. */
    private static final String THROUGH_TUNNEL = "198.18.50.1";
    private static final String POOL = "198.18.100.0/24";
    private static final String POOL6 = "2001:db8:7e::/64";
    /** A route of "the user" that a client plan also asks for. */
    private static final String USERS_ROUTE = "198.18.200.0/24";
    /** A client plan's DNS server (through the tunnel) and search domains. */
    static final String DNS_SERVER = "198.18.50.53";
    static final List<String> SEARCH = List.of("corp.example", "lab.corp.example");
    private static final List<String> SYSCTLS = List.of("net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding",
            "net.ipv6.conf.all.forwarding", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.all.src_valid_mark");

    @TempDir
    Path stateDirectory;

    private TestNamespace namespace;
    private String before;

    /**
     * A new configurator keeping its journals in {@code stateDirectory}; called in a child JVM inside the test's
     * namespace, once per process, like the one of a netproxy instance.
     */
    protected abstract NetworkConfigurator newConfigurator(Path stateDirectory) throws Exception;

    static NetworkPlan serverPlan(String tunnelId) {
        return new NetworkPlan(tunnelId, Role.SERVER, TUN, POOL, null, null, List.of(), List.of());
    }

    static NetworkPlan dualStackServerPlan(String tunnelId) {
        return new NetworkPlan(tunnelId, Role.SERVER, TUN, POOL, POOL6, null, null, List.of(), List.of());
    }

    static NetworkPlan clientPlan(String tunnelId, String server, List<String> routes) {
        return new NetworkPlan(tunnelId, Role.CLIENT, TUN, null, null, server, routes, List.of());
    }

    static NetworkPlan dnsClientPlan(String tunnelId, List<String> routes) {
        return new NetworkPlan(tunnelId, Role.CLIENT, TUN, null, null, SERVER, routes, List.of(DNS_SERVER))
                .withDnsSearch(SEARCH);
    }

    static KillSwitch killSwitch(String tunnelId, boolean allowLan) {
        return new KillSwitch(tunnelId, TUN, SERVER, allowLan);
    }

    @BeforeEach
    final void createNamespace() throws Exception {
        HostPrerequisites.requireRootAndTools("ip", "sysctl");
        namespace = TestNamespace.create();
        namespace.inside("ip", "link", "set", "lo", "up");
        namespace.inside("ip", "link", "add", UPLINK, "type", "veth", "peer", "name", "npup1");
        namespace.inside("ip", "addr", "add", "192.0.2.2/24", "dev", UPLINK);
        namespace.inside("ip", "link", "set", UPLINK, "up");
        namespace.inside("ip", "link", "set", "npup1", "up");
        namespace.inside("ip", "route", "add", "default", "via", GATEWAY);
        namespace.inside("ip", "addr", "add", "2001:db8:2::2/64", "dev", UPLINK, "nodad");
        namespace.inside("ip", "-6", "route", "add", "default", "via", IPV6_GATEWAY);
        namespace.inside("ip", "tuntap", "add", "dev", TUN, "mode", "tun");
        namespace.inside("ip", "link", "set", TUN, "up");
        if (HostPrerequisites.onPath("iptables")) {
            // rules of "the user", which must survive untouched (and make iptables create its tables up front)
            namespace.inside("iptables", "-A", "FORWARD", "-s", "203.0.113.0/24", "-j", "DROP");
            namespace.inside("iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "203.0.113.0/24", "-j", "RETURN");
            namespace.inside("iptables", "-t", "mangle", "-A", "FORWARD", "-s", "203.0.113.0/24", "-j", "RETURN");
            namespace.inside("iptables", "-A", "OUTPUT", "-p", "tcp", "--dport", "25", "-j", "DROP");
        }
        if (HostPrerequisites.onPath("ip6tables")) {
            // The kill switch jumps from ip6tables' OUTPUT and FORWARD too. iptables-nft makes a table or built-in
            // chain at its first use and leaves it, empty, when the last rule goes: "the user's" rules make them first.
            // A dual-stack server's chains jump from the nat and mangle tables as well.
            namespace.inside("ip6tables", "-A", "FORWARD", "-s", "2001:db8:203::/48", "-j", "DROP");
            namespace.inside("ip6tables", "-t", "nat", "-A", "POSTROUTING", "-s", "2001:db8:203::/48", "-j", "RETURN");
            namespace.inside("ip6tables", "-t", "mangle", "-A", "FORWARD", "-s", "2001:db8:203::/48", "-j", "RETURN");
            namespace.inside("ip6tables", "-A", "OUTPUT", "-p", "tcp", "--dport", "25", "-j", "DROP");
        }
        awaitSettledIpv6();
        before = snapshot();
    }

    /** IPv6 gives links their addresses and routes a moment after they come up; the snapshots compare a settled state. */
    private void awaitSettledIpv6() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!namespace.inside("ip", "-6", "addr", "show", "tentative").isBlank()) {
            if (System.nanoTime() > deadline) fail("IPv6 on the test's links did not settle within 10 s");
            Thread.sleep(50);
        }
        Thread.sleep(100);
    }

    @AfterEach
    final void deleteNamespace() throws Exception {
        if (namespace != null) namespace.close();
    }

    @Test
    void isRegisteredUnderItsName() throws Exception {
        try (Driver driver = new Driver()) {
            String[] described = driver.ok("describe").split(" \\| ");
            ComponentDescriptor.assertRegisteredAs(Class.forName(described[0]), NetworkConfigurator.class,
                    NetworkConfigurator.PROPERTY, described[1]);
        }
    }

    @Test
    void aServerPlanForwardsAndClosingItLeavesTheNamespaceAsBefore() throws Exception {
        try (Driver driver = new Driver()) {
            driver.ok("apply kit-server server");
            assertEquals("1", namespace.inside("sysctl", "-n", "net.ipv4.ip_forward").strip(), "a server forwards");
            assertNotEquals(before, snapshot(), "a server plan changes the namespace");
            driver.ok("close kit-server");
            assertEquals(before, snapshot(), "closing the plan reverts everything it did");
            driver.ok("close kit-server");
            assertEquals(before, snapshot(), "closing twice does nothing more");
        }
    }

    @Test
    void aClientPlanRoutesThroughTheTunnelPinsTheServerAndClosingItLeavesTheNamespaceAsBefore() throws Exception {
        try (Driver driver = new Driver()) {
            driver.ok("apply kit-client client 0.0.0.0/0,198.18.50.0/24");
            assertTrue(namespace.inside("ip", "-4", "route", "get", "203.0.113.9").contains("dev " + TUN),
                    "everything goes through the tunnel");
            assertTrue(namespace.inside("ip", "-4", "route", "get", "198.18.50.1").contains("dev " + TUN));
            String toServer = namespace.inside("ip", "-4", "route", "get", SERVER);
            assertTrue(toServer.contains("via " + GATEWAY + " dev " + UPLINK), "the server stays reachable: " + toServer);
            assertNoneLeaves("in a full tunnel, which carries no IPv6", ELSEWHERE_IPV6);
            assertAllLeave("in a full tunnel", SERVER);
            driver.ok("close kit-client");
            assertEquals(before, snapshot());
            assertAllLeave("after the full tunnel", ELSEWHERE_IPV6);
        }
    }

    @Test
    void aDualStackServerPlanForwardsAndMasqueradesIpv6AndClosingItLeavesTheNamespaceAsBefore() throws Exception {
        try (Driver driver = new Driver()) {
            assumeTrue(driver.carriesIpv6Inside(), "the configurator carries IPv4 only inside the tunnel");
            driver.ok("apply kit-server6 server6");
            assertEquals("1", namespace.inside("sysctl", "-n", "net.ipv6.conf.all.forwarding").strip());
            assertEquals("1", namespace.inside("sysctl", "-n", "net.ipv4.ip_forward").strip());
            assertTrue(snapshot().contains(POOL6), "a rule names the IPv6 pool");
            driver.ok("close kit-server6");
            assertEquals(before, snapshot(), "closing the plan reverts everything it did");
        }
    }

    @Test
    void aDualStackClientPlanRoutesIpv6ThroughTheTunnelAndClosingItLeavesTheNamespaceAsBefore() throws Exception {
        try (Driver driver = new Driver()) {
            assumeTrue(driver.carriesIpv6Inside(), "the configurator carries IPv4 only inside the tunnel");
            driver.ok("apply kit-client6 client 0.0.0.0/0,::/0");
            assertTrue(namespace.inside("ip", "-6", "route", "get", ELSEWHERE_IPV6).contains("dev " + TUN),
                    "IPv6 goes through the tunnel");
            assertTrue(namespace.inside("ip", "-4", "route", "get", ELSEWHERE).contains("dev " + TUN));
            driver.ok("close kit-client6");
            assertEquals(before, snapshot());
            assertAllLeave("after the tunnel", ELSEWHERE_IPV6);
        }
    }

    @Test
    void aDualStackClientPlanPinsTheRouteToAServerReachedOverIpv6() throws Exception {
        try (Driver driver = new Driver()) {
            assumeTrue(driver.carriesIpv6Inside(), "the configurator carries IPv4 only inside the tunnel");
            driver.ok("apply kit-client6 client6 0.0.0.0/0,::/0");
            String toServer = namespace.inside("ip", "-6", "route", "get", SERVER_IPV6);
            assertTrue(toServer.contains("via " + IPV6_GATEWAY + " dev " + UPLINK), "the server stays reachable: " + toServer);
            assertTrue(namespace.inside("ip", "-6", "route", "get", ELSEWHERE_IPV6).contains("dev " + TUN));
            assertAllLeave("in a dual-stack tunnel", SERVER_IPV6);
            driver.ok("close kit-client6");
            assertEquals(before, snapshot());
        }
    }

    @Test
    void aSplitTunnelLeavesIpv6Alone() throws Exception {
        try (Driver driver = new Driver()) {
            driver.ok("apply kit-split client 198.18.50.0/24");
            assertAllLeave("in a split tunnel", ELSEWHERE_IPV6, ELSEWHERE);
            driver.ok("close kit-split");
            assertEquals(before, snapshot());
        }
    }

    @Test
    void aClientPlansDnsIsTheNamespacesResolverUntilClosedOrRecovered() throws Exception {
        byte[] original = "# the namespace's own resolver file\nnameserver 192.0.2.53\noptions timeout:1"
                .getBytes(StandardCharsets.US_ASCII);
        Path resolvConf = namespace.resolverFile(original);
        try (Driver driver = new Driver()) {
            driver.ok("apply kit-dns dns 0.0.0.0/0");
            List<String> resolver = namespace.inside("cat", "/etc/resolv.conf").lines().toList();
            assertEquals(List.of("nameserver " + DNS_SERVER), resolver.stream().filter(line -> line.startsWith("nameserver"))
                    .toList(), "the plan's server alone, none of the namespace's own: " + resolver);
            assertEquals(List.of("search " + String.join(" ", SEARCH)), resolver.stream()
                    .filter(line -> line.startsWith("search")).toList(), "the plan's search domains: " + resolver);
            driver.ok("close kit-dns");
            assertArrayEquals(original, Files.readAllBytes(resolvConf), "closing the plan puts the file back");
        }
        try (Driver crashing = new Driver()) {
            crashing.ok("apply kit-dns dns 0.0.0.0/0");
            crashing.kill();
        }
        assertFalse(Arrays.equals(original, Files.readAllBytes(resolvConf)), "kill -9 leaves the plan's DNS in place");
        try (Driver next = new Driver()) {
            next.ok("recover");
            assertArrayEquals(original, Files.readAllBytes(resolvConf), "recover puts the file back");
        }
        assertEquals(before, snapshot());
    }

    @Test
    void aPlanThatFailsHalfwayRevertsWhatItDidAndLeavesTheUsersRoute() throws Exception {
        namespace.inside("ip", "route", "add", USERS_ROUTE, "dev", UPLINK);
        before = snapshot();
        try (Driver driver = new Driver()) {
            String answer = driver.send("apply kit-clash client 0.0.0.0/0," + USERS_ROUTE);
            assertTrue(answer.startsWith("ERR "), "a route the user has already is not the configurator's to replace: " + answer);
            assertEquals(before, snapshot(), "what the plan did before it failed is reverted");
        }
    }

    @Test
    void recoverAfterAKilledProcessRevertsItsPlans() throws Exception {
        try (Driver crashing = new Driver()) {
            crashing.ok("apply kit-crash-server " + (crashing.carriesIpv6Inside() ? "server6" : "server"));
            crashing.ok("apply kit-crash-client client 0.0.0.0/0");
            crashing.kill();
        }
        assertNotEquals(before, snapshot(), "kill -9 leaves the plans in place");
        try (Driver next = new Driver()) {
            assertNotEquals("", next.ok("recover"), "recover says what it reverted");
            assertEquals(before, snapshot(), "recover reverts both plans");
            assertEquals("", next.ok("recover"), "a second recover finds nothing to do");
        }
        assertEquals(before, snapshot());
    }

    @Test
    void aKillSwitchLetsOnlyTheTunnelAndTheServerOutAndLiftingItLeavesTheNamespaceAsBefore() throws Exception {
        namespace.inside("ip", "route", "add", "198.18.50.0/24", "dev", TUN);
        before = snapshot();
        assertAllLeave("before the kill switch", ELSEWHERE, ELSEWHERE_IPV6, GATEWAY, SERVER, THROUGH_TUNNEL);
        try (Driver driver = new Driver()) {
            driver.ok("killswitch kit-ks nolan");
            assertNoneLeaves("with the kill switch", ELSEWHERE, ELSEWHERE_IPV6, GATEWAY, IPV6_GATEWAY);
            assertAllLeave("with the kill switch", SERVER, THROUGH_TUNNEL, "127.0.0.1", "::1");
            driver.ok("close ks:kit-ks");
            assertEquals(before, snapshot(), "lifting the kill switch reverts everything it did");
            assertAllLeave("after the kill switch", ELSEWHERE, ELSEWHERE_IPV6, GATEWAY, SERVER);
        }
    }

    @Test
    void aKillSwitchThatAllowsTheLanLetsTheConnectedNetworksOut() throws Exception {
        try (Driver driver = new Driver()) {
            driver.ok("killswitch kit-lan lan");
            assertAllLeave("with the LAN allowed", GATEWAY, "192.0.2.77", IPV6_GATEWAY, "224.0.0.251");
            assertNoneLeaves("with the LAN allowed", ELSEWHERE, ELSEWHERE_IPV6);
            driver.ok("close ks:kit-lan");
            assertEquals(before, snapshot());
        }
    }

    @Test
    void aKillSwitchOutlivesAKilledClientAndRecoverUntilCleanup() throws Exception {
        try (Driver crashing = new Driver()) {
            crashing.ok("killswitch kit-ks-crash nolan");
            crashing.kill();
        }
        try (Driver next = new Driver()) {
            next.ok("recover");
            assertNoneLeaves("after kill -9 and the next instance's recover", ELSEWHERE, ELSEWHERE_IPV6);
            assertNotEquals("", next.ok("cleanup"), "cleanup says what it reverted");
            assertEquals(before, snapshot(), "cleanup lifts the dead client's kill switch");
            assertEquals("", next.ok("cleanup"), "a second cleanup finds nothing to do");
        }
    }

    @Test
    void aKillSwitchReplacesTheOneAnEarlierRunOfTheTunnelLeft() throws Exception {
        try (Driver crashing = new Driver()) {
            crashing.ok("killswitch kit-ks-again nolan");
            crashing.kill();
        }
        try (Driver next = new Driver()) {
            next.ok("killswitch kit-ks-again nolan");
            assertNoneLeaves("with the new kill switch", ELSEWHERE);
            next.ok("close ks:kit-ks-again");
            assertEquals(before, snapshot(), "the new run's kill switch took the old one's place; closing it leaves none");
        }
    }

    /** Sends one UDP datagram to each address from the namespace; a locally dropped packet fails the send (EPERM). */
    private void assertAllLeave(String when, String... addresses) throws IOException {
        for (String address : addresses) {
            TestNamespace.Result sent = sendUdp(address);
            assertTrue(sent.ok(), when + ", a datagram to " + address + " leaves: " + sent);
        }
    }

    private void assertNoneLeaves(String when, String... addresses) throws IOException {
        for (String address : addresses) {
            TestNamespace.Result sent = sendUdp(address);
            assertTrue(!sent.ok() && sent.output().contains("Operation not permitted"),
                    when + ", a datagram to " + address + " is dropped: " + sent);
        }
    }

    private TestNamespace.Result sendUdp(String address) throws IOException {
        return namespace.run("bash", "-c", "echo probe > /dev/udp/" + address + "/9");
    }

    /**
     * Routes of every table and policy rules (IPv4 and IPv6), links and addresses, iptables and nftables rules
     * without counters, and the forwarding sysctls of the test's namespace.
     */
    private String snapshot() throws IOException {
        StringBuilder state = new StringBuilder();
        for (String family : List.of("-4", "-6")) {
            state.append(namespace.inside("ip", family, "route", "show", "table", "all"));
            state.append(namespace.inside("ip", family, "rule", "show"));
        }
        state.append(namespace.inside("ip", "-o", "addr", "show"));
        state.append(namespace.inside("ip", "-o", "link", "show").replaceAll("link/ether \\S+ brd \\S+", ""));
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            if (!HostPrerequisites.onPath(tool)) continue;
            namespace.inside(tool).lines().filter(line -> !line.startsWith("#"))
                    .forEach(line -> state.append(line.replaceAll("\\[\\d+:\\d+]", "")).append('\n'));
        }
        if (HostPrerequisites.onPath("nft")) {
            namespace.inside("nft", "list", "ruleset").lines().filter(line -> !line.strip().startsWith("#"))
                    .forEach(line -> state.append(line.replaceAll("counter packets \\d+ bytes \\d+", "counter")).append('\n'));
        }
        for (String sysctl : SYSCTLS) state.append(namespace.inside("sysctl", sysctl));
        return state.toString();
    }

    /** A {@link ConfiguratorDriver} JVM in the test's namespace, all of them on the test's state directory. */
    private final class Driver implements AutoCloseable {
        private final Process process;
        private final PrintStream commands;
        private final BufferedReader answers;

        Driver() throws IOException {
            process = namespace.startJava(ConfiguratorDriver.class, NetworkConfiguratorContract.this.getClass().getName(),
                    stateDirectory.toString());
            commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String send(String command) throws IOException {
            commands.println(command);
            String answer = answers.readLine();
            if (answer == null) fail("the configurator's JVM ended during '" + command + "' (see its stderr above)");
            return answer;
        }

        boolean carriesIpv6Inside() throws IOException {
            return ok("describe").endsWith(ConfiguratorDriver.SEPARATOR + "ipv6");
        }

        /** Sends a command that must succeed and returns what the configurator said. */
        String ok(String command) throws IOException {
            String answer = send(command);
            if (!answer.startsWith("OK")) fail(command + ": " + answer);
            return answer.substring(2).strip();
        }

        /** SIGKILL, as a crash or {@code kill -9} would end a netproxy instance. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            commands.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
        }
    }
}
