package io.netproxy.netconf.iptables;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkPlan;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.api.NetworkPlan.Role;
import io.netproxy.netconf.support.IptablesScript;
import io.netproxy.netconf.support.Ipv4Cidr;
import io.netproxy.netconf.support.Journal;
import io.netproxy.netconf.support.JournalKey;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.UndoStep;
import io.netproxy.netconf.support.testing.TestNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies real plans inside network namespaces of the test's own (see {@link TestNetwork}) and checks that
 * closing, rolling back and crash recovery leave every rule, route and sysctl as it was.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NamespaceIntegrationTest {
    private static final String SUBNET = "198.18.99.0/24";

    @TempDir
    Path stateDir;

    private TestNetwork network;
    private IptablesNetworkConfigurator configurator;
    private String before;

    static NetworkPlan serverPlan(String tunnelId) {
        return new NetworkPlan(tunnelId, Role.SERVER, TestNetwork.TUN, SUBNET, null, null, List.of(), List.of());
    }

    static NetworkPlan clientPlan(String tunnelId, String server, List<String> routes) {
        return new NetworkPlan(tunnelId, Role.CLIENT, TestNetwork.TUN, null, null, server, routes, List.of());
    }

    @BeforeEach
    void createNamespaces() throws IOException {
        network = TestNetwork.create();
        configurator = newConfigurator();
        before = network.snapshot();
    }

    @AfterEach
    void deleteNamespaces() {
        if (network != null) network.close();
    }

    private IptablesNetworkConfigurator newConfigurator() throws IOException {
        return new IptablesNetworkConfigurator(new SystemTools(network.runner()), journals());
    }

    /** The configurator's journals, kept for the test's namespace, where its commands run. */
    private NamespaceJournals journals() throws IOException {
        return new NamespaceJournals(netconfDirectory(), NetworkNamespace.named(network.namespace));
    }

    private Path netconfDirectory() {
        return stateDir.resolve("netconf");
    }

    /** A JVM that applies plans in the test's namespace and waits to be killed; see {@link CrashingApplier}. */
    private Process crashingApplier() throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.io=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashingApplier.class.getName(),
                network.namespace, netconfDirectory().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private void assertRestoredAndNoJournalLeft() throws IOException {
        assertEquals(before, network.snapshot());
        assertEquals(List.of(), journals().own().journals());
    }

    @Test
    void serverPlanForwardsAndMasqueradesAndCloseRestoresEverything() throws IOException {
        AppliedNetworkPlan applied = configurator.apply(serverPlan("it-server"));
        ChainNames chains = ChainNames.forTunnel("it-server");

        String rules = network.inside("iptables-save");
        assertTrue(rules.contains("-A " + chains.nat() + " -s " + SUBNET + " -o " + TestNetwork.UPLINK + " -j MASQUERADE"), rules);
        assertTrue(rules.contains("-A " + chains.forward() + " -i " + TestNetwork.TUN + " -j ACCEPT"), rules);
        assertTrue(rules.contains("-A " + chains.mss() + " -o " + TestNetwork.TUN
                + " -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"), rules);
        String filterTable = rules.substring(rules.indexOf("*filter"), rules.indexOf("COMMIT", rules.indexOf("*filter")));
        List<String> forwardRules = filterTable.lines().filter(line -> line.startsWith("-A FORWARD ")).toList();
        assertEquals("-A FORWARD -m comment --comment \"netproxy it-server\" -j " + chains.forward(), forwardRules.get(0));
        assertTrue(rules.contains("-A FORWARD -s 203.0.113.0/24 -j DROP"), "the user's rule stays: " + rules);
        assertEquals("1", network.inside("sysctl", "-n", "net.ipv4.ip_forward").strip());
        assertEquals(1, journals().own().journals().size());
        assertTrue(applied.describe().stream().anyMatch(line -> line.contains("out of " + TestNetwork.UPLINK)),
                applied.describe().toString());

        applied.close();
        assertRestoredAndNoJournalLeft();
        applied.close();
    }

    @Test
    void forwardingStaysOnUntilTheLastServerTunnelInTheNamespaceCloses() throws IOException {
        assertTrue(before.endsWith("ip_forward=0\n"), before);
        AppliedNetworkPlan first = configurator.apply(serverPlan("it-first"));
        // a second configurator on the same state directory stands for a second process in the namespace
        AppliedNetworkPlan second = newConfigurator().apply(serverPlan("it-second"));
        assertEquals("1", network.inside("sysctl", "-n", "net.ipv4.ip_forward").strip());
        assertTrue(second.describe().stream().anyMatch(line -> line.contains("shared with tunnel(s) it-first")),
                second.describe().toString());
        assertEquals(List.of(), newConfigurator().recover(), "both holders are live");
        ChainNames secondChains = ChainNames.forTunnel("it-second");
        List<String> secondRules = network.inside("iptables-save").lines()
                .filter(line -> line.contains(secondChains.forward()) || line.contains(secondChains.nat())
                        || line.contains(secondChains.mss()))
                .map(line -> line.replaceAll("\\[\\d+:\\d+]", "[0:0]"))
                .toList();
        assertEquals(11, secondRules.size(), secondRules.toString());

        first.close();
        assertEquals("1", network.inside("sysctl", "-n", "net.ipv4.ip_forward").strip(), "it-second still forwards");
        String rulesAfterFirst = network.inside("iptables-save");
        for (String rule : secondRules) assertTrue(rulesAfterFirst.contains(rule), rule + " in " + rulesAfterFirst);
        assertFalse(rulesAfterFirst.contains(ChainNames.forTunnel("it-first").forward()), rulesAfterFirst);
        assertEquals(List.of(), newConfigurator().recover(), "it-second is still live");
        assertEquals("1", network.inside("sysctl", "-n", "net.ipv4.ip_forward").strip());

        second.close();
        assertRestoredAndNoJournalLeft();
        assertFalse(Files.exists(journals().own().directory().resolve("net.ipv4.ip_forward.shared")));
        second.close();
        first.close();
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void aKilledServerTunnelLetsGoOfForwardingOnlyForItself() throws Exception {
        try (AppliedNetworkPlan live = configurator.apply(serverPlan("it-live"))) {
            Process child = crashingApplier();
            try {
                BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
                assertEquals("APPLIED", output.readLine());
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }
            List<String> reverted = newConfigurator().recover();
            assertFalse(reverted.stream().anyMatch(line -> line.contains("ip_forward")), reverted.toString());
            assertEquals("1", network.inside("sysctl", "-n", "net.ipv4.ip_forward").strip(), "it-live still forwards");
            assertTrue(network.inside("iptables-save").contains(ChainNames.forTunnel("it-live").nat()));
        }
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void clientPlanRoutesThroughTheTunnelAndPinsTheServer() throws IOException {
        AppliedNetworkPlan applied = configurator.apply(
                clientPlan("it-client", "198.51.100.7", List.of("0.0.0.0/0", "198.19.20.0/24")));

        String routes = network.inside("ip", "-4", "route", "show");
        assertTrue(routes.contains("198.51.100.7 via " + TestNetwork.GATEWAY + " dev " + TestNetwork.UPLINK), routes);
        assertTrue(routes.contains("0.0.0.0/1 dev " + TestNetwork.TUN), routes);
        assertTrue(routes.contains("128.0.0.0/1 dev " + TestNetwork.TUN), routes);
        assertTrue(routes.contains("198.19.20.0/24 dev " + TestNetwork.TUN), routes);
        assertTrue(routes.contains("default via " + TestNetwork.GATEWAY + " dev " + TestNetwork.UPLINK), routes);
        assertTrue(network.inside("ip", "-4", "route", "get", "203.0.113.9").contains("dev " + TestNetwork.TUN));
        assertTrue(network.inside("ip", "-4", "route", "get", "198.51.100.7").contains("dev " + TestNetwork.UPLINK));

        applied.close();
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void onLinkServerIsPinnedWithoutGatewayAndALocalOneIsNotPinned() throws IOException {
        try (AppliedNetworkPlan onLink = configurator.apply(clientPlan("it-onlink", TestNetwork.GATEWAY, List.of()))) {
            String routes = network.inside("ip", "-4", "route", "show", "exact", TestNetwork.GATEWAY + "/32");
            assertTrue(routes.startsWith(TestNetwork.GATEWAY + " dev " + TestNetwork.UPLINK), routes);
        }
        assertRestoredAndNoJournalLeft();

        try (AppliedNetworkPlan local = configurator.apply(clientPlan("it-local", TestNetwork.OWN_ADDRESS, List.of()))) {
            assertEquals("", network.inside("ip", "-4", "route", "show", "exact", TestNetwork.OWN_ADDRESS + "/32"));
            assertTrue(local.describe().stream().anyMatch(line -> line.contains("local address")), local.describe().toString());
        }
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void failureHalfwayRevertsWhatWasDoneAndKeepsTheUsersRoute() throws IOException {
        network.inside("ip", "route", "add", "198.19.30.0/24", "dev", TestNetwork.UPLINK);
        before = network.snapshot();

        IOException e = assertThrows(IOException.class, () -> configurator.apply(
                clientPlan("it-clash", "198.51.100.7", List.of("0.0.0.0/0", "198.19.30.0/24"))));
        assertTrue(e.getMessage().contains("route add 198.19.30.0/24 dev " + TestNetwork.TUN), e.getMessage());
        assertTrue(e.getMessage().contains("File exists"), e.getMessage());
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void dnsServersAreRefusedFromOutsideTheNamespaceAndTheRoutesRolledBack() throws IOException {
        // this test's process runs in the machine's namespace, whose resolver file is not the test namespace's
        NetworkPlan withDns = new NetworkPlan("it-dns", Role.CLIENT, TestNetwork.TUN, null, null, "198.51.100.7",
                List.of("0.0.0.0/0"), List.of("192.0.2.53"));
        IOException e = assertThrows(IOException.class, () -> configurator.apply(withDns));
        assertTrue(e.getMessage().contains("cannot set the DNS servers"), e.getMessage());
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void missingDefaultRouteFailsBeforeAnythingChanges() throws IOException {
        network.inside("ip", "route", "del", "default");
        before = network.snapshot();

        IOException e = assertThrows(IOException.class, () -> configurator.apply(serverPlan("it-noroute")));
        assertTrue(e.getMessage().contains("no IPv4 default route"), e.getMessage());
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void aLiveTunnelCannotBeAppliedTwiceNorRecoveredUnderneath() throws IOException {
        try (AppliedNetworkPlan applied = configurator.apply(serverPlan("it-twice"))) {
            IOException e = assertThrows(IOException.class, () -> configurator.apply(serverPlan("it-twice")));
            assertTrue(e.getMessage().contains("already applied"), e.getMessage());
            assertEquals(List.of(), newConfigurator().recover());
            assertNotEquals(before, network.snapshot());
        }
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void killedProcessIsRevertedByRecoverInANewInstance() throws Exception {
        Process child = crashingApplier();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertEquals("APPLIED", output.readLine());
            assertNotEquals(before, network.snapshot());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertEquals(2, journals().own().journals().size());

        List<String> reverted = newConfigurator().recover();

        assertTrue(reverted.stream().anyMatch(line -> line.startsWith("tunnel it-crash-server: remove iptables chains")),
                reverted.toString());
        assertTrue(reverted.contains("tunnel it-crash-client: delete route 0.0.0.0/1 dev " + TestNetwork.TUN), reverted.toString());
        assertTrue(reverted.contains("net.ipv4.ip_forward: restore net.ipv4.ip_forward=0 (no tunnel needs it anymore)"),
                reverted.toString());
        assertRestoredAndNoJournalLeft();
        assertEquals(List.of(), newConfigurator().recover());
    }

    @Test
    void recoverSkipsChangesACrashPreventedFromHappening() throws IOException {
        ServerRules rules = new ServerRules("it-never", TestNetwork.TUN, Ipv4Cidr.parse(SUBNET, "subnet").toString(), TestNetwork.UPLINK);
        try (Journal journal = journals().own().create(new JournalKey("it-never", "iptables"))) {
            journal.append(new UndoStep(Tool.IPTABLES_RESTORE, List.of("-n"), rules.remove().render(), "remove chains"));
            journal.append(new UndoStep(Tool.IP, List.of("route", "del", "0.0.0.0/1", "dev", TestNetwork.TUN), "",
                    "delete route 0.0.0.0/1"));
        }

        assertEquals(List.of("tunnel it-never: delete route 0.0.0.0/1", "tunnel it-never: remove chains"),
                newConfigurator().recover());
        assertRestoredAndNoJournalLeft();
    }

    @Test
    void recoverRemovesWhatARunThatFailedBetweenTablesLeftBehind() throws IOException {
        ServerRules rules = new ServerRules("it-partial", TestNetwork.TUN, Ipv4Cidr.parse(SUBNET, "subnet").toString(), TestNetwork.UPLINK);
        IptablesScript onlyFilter = new IptablesScript(List.of(rules.install().tables().get(0)));
        try (Journal journal = journals().own().create(new JournalKey("it-partial", "iptables"))) {
            journal.append(new UndoStep(Tool.IPTABLES_RESTORE, List.of("-n"), rules.remove().render(), "remove chains"));
        }
        network.runner().run(List.of("iptables-restore", "-n"), onlyFilter.render());
        assertFalse(network.snapshot().equals(before));

        newConfigurator().recover();
        assertRestoredAndNoJournalLeft();
    }
}
