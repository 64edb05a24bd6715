package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tunnel defined in etc/ and edited while a download runs through it: its transport (udp to tcp), or its network
 * configurator (to the other one, where nft is installed). The edit is applied to the running tunnel in place, not
 * by a restart: the log says so and shows one start, the device stays, the status shows the new implementation, the
 * client follows, and the download arrives whole.
 *
 * <p>The instance is run as an operator runs one: {@code bin/netproxy serve} for its main tunnel, and a second server
 * tunnel, the one edited, in {@code etc/io.netproxy.tunnel-office.cfg} of its installation. No command starts an
 * instance for the tunnels of etc/ alone ({@code shell} starts one that leaves them out), so the client is a
 * {@code connect} to that tunnel's port.
 */
class ConfiguredSwapIT extends OnTopology {
    private static final String TUNNEL = "office";
    private static final String FILE = "io.netproxy.tunnel-" + TUNNEL + ".cfg";
    private static final String PORT = "6868";
    private static final String APPLIED = FILE + ": edit applied to tunnel " + TUNNEL + " in place";
    private static final String RESTARTING = FILE + ": edited; restarting tunnel " + TUNNEL;

    private Path password;
    private Installation server;
    private Installation client;

    ConfiguredSwapIT() {
        super('c');
    }

    @BeforeAll
    void writePassword() throws Exception {
        password = topology.secret("password", "edit the file, keep the tunnel");
    }

    @BeforeEach
    void tunnel() throws Exception {
        server = installation("srv");
        configure("transport = udp");
        server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        Namespaces.waitFor(() -> server.log().contains(FILE + ": tunnel " + TUNNEL + " started"), 60, "the tunnel of etc/");
        client = installation("c1");
        client.ok("connect", SERVER + ":" + PORT, "--password-file", password.toString(), "-d");
    }

    @Test
    void aTransportEditMovesTheRunningTunnel() throws Exception {
        assertEquals("udp", Installation.transportOf(tunnelStatus()), tunnelStatus());
        assertTrue(client.ok("status").contains("(udp)"), client.ok("status"));
        String device = Installation.deviceOf(tunnelStatus());

        editUnderDownload("transport = tcp");
        assertSameTunnel(device);
        Namespaces.waitFor(() -> client.ok("status").contains("(tcp)"), 20, "the client to follow to tcp");
        // make before break: the server listens on both until its clients have moved, then lets udp go
        Namespaces.waitFor(() -> "tcp".equals(Installation.transportOf(tunnelStatus())), 30,
                "the server to let udp go", this::tunnelStatus);
    }

    @Test
    void aConfiguratorEditMovesTheRunningTunnel() throws Exception {
        // nftables is optional (iptables is the configurator without it), so its absence skips even under CI=true
        Assumptions.assumeTrue(Prerequisites.onPath("nft"),
                "nft is not installed (apt-get install nftables), so there is no second configurator to edit to");
        String device = Installation.deviceOf(tunnelStatus());
        String first = Installation.netconfOf(tunnelStatus());
        String other = first.equals("nftables") ? "iptables" : "nftables";
        int firstRules = ruleSets(first);
        int otherRules = ruleSets(other);

        editUnderDownload("transport = udp", "netconf = " + other);
        assertSameTunnel(device);
        assertEquals(other, Installation.netconfOf(tunnelStatus()), tunnelStatus());
        assertEquals(otherRules + 1, ruleSets(other), "the tunnel's rules made by " + other);
        assertEquals(firstRules - 1, ruleSets(first), "the tunnel's rules of " + first + " reverted");
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Writes the tunnel's file: a server on its own port and pool, with these settings besides. */
    private void configure(String... settings) throws Exception {
        List<String> lines = new ArrayList<>(List.of("role = server", "port = " + PORT,
                "passwordFile = " + password, "pool = 198.18.1.0/24"));
        lines.addAll(List.of(settings));
        server.configure(FILE, String.join("\n", lines) + "\n");
    }

    /** Edits the file while a checked download runs, and waits until the tunnel has taken the edit. */
    private void editUnderDownload(String... settings) throws Exception {
        try (CheckedStream download = topology.checkedStream("c1")) {
            download.awaitMore(5_000_000, 30, "before the edit");
            configure(settings);
            // a restart ends the wait too, and assertSameTunnel shows it with the log
            Namespaces.waitFor(() -> server.log().contains(APPLIED) || server.log().contains(RESTARTING), 30, "the edit");
            download.awaitMore(5_000_000, 30, "after the edit");
        }
    }

    /** Started once, never restarted, on the device it started with, with the edit applied in place. */
    private void assertSameTunnel(String device) throws Exception {
        String log = server.log();
        assertEquals(1, occurrences(log, "tunnel " + TUNNEL + " started"), log);
        assertFalse(log.contains(RESTARTING), log);
        assertEquals(1, occurrences(log, APPLIED), log);
        assertEquals(device, Installation.deviceOf(tunnelStatus()), tunnelStatus());
    }

    /** The server's status lines of the tunnel of etc/ (the instance runs its main tunnel too). */
    private String tunnelStatus() throws Exception {
        String status = server.ok("status");
        int start = status.indexOf("tunnel " + TUNNEL + ":");
        assertTrue(start >= 0, status);
        int end = status.indexOf("\ntunnel ", start);
        return end < 0 ? status.substring(start) : status.substring(start, end);
    }

    /** How many server tunnels of the server's namespace have rules of this configurator. */
    private int ruleSets(String netconf) throws Exception {
        String rules = netconf.equals("iptables")
                ? Namespaces.inNamespace(topology.ns("srv"), "iptables-save").output()
                : Namespaces.inNamespace(topology.ns("srv"), "nft", "list", "tables").output();
        String set = netconf.equals("iptables") ? "(?m)^:NETPROXY-\\S+-FWD " : "(?m)^table ip netproxy_";
        return (int) Pattern.compile(set).matcher(rules).results().count();
    }

    private static long occurrences(String text, String part) {
        return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }
}
