package io.netproxy.netconf.support;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.KillSwitch;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import io.netproxy.host.Root;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a configurator does around its own rules: checks the plan and the tools, reverts what crashed runs of the
 * tunnel left, journals every change under {@code <netproxy.state.dir>/netconf/netns-<inode>-<boot>} (see
 * {@link NamespaceJournals}) before it is made, and reverts what was made when a later step fails. A server
 * holds IPv4 forwarding, and IPv6 forwarding when it carries IPv6 (each shared with the namespace's other server
 * tunnels), and then applies its {@link ServerFirewall}; a client gets routes through the TUN device, a pinned route to the server, the DNS
 * servers its server pushed and, in a full tunnel, its {@link ClientFirewall}'s IPv6 block.
 *
 * <p>A kill switch is journaled in a directory of its own, {@value #KILL_SWITCH_DIRECTORY} below the namespace's:
 * {@link #recover()}, which every instance runs when it starts, leaves those journals alone, so a dead client's kill
 * switch holds until {@link #cleanup()} or the tunnel's next kill switch.
 */
public final class JournaledConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledConfigurator.class);
    private static final List<Tool> CLIENT_TOOLS = List.of(Tool.IP);
    static final String KILL_SWITCH_DIRECTORY = "kill-switch";

    private final String name;
    private final SystemTools tools;
    private final List<Tool> serverTools;
    private final ServerFirewall firewall;
    private final NamespaceJournals namespaces;
    private final JournalDirectory journals;
    private final Reverter reverter;
    private final JournalRecovery recovery;
    private final SharedSysctl ipForward;
    private final SharedSysctl ipv6Forward;
    private final SharedDns dns;
    private final List<Tool> clientFirewallTools;
    private final ClientFirewall clientFirewall;
    private final JournalDirectory killSwitchJournals;
    private final JournalRecovery killSwitchRecovery;

    /**
     * @param name                the configurator's name, which names its journals
     * @param clientFirewallTools the tools {@code clientFirewall} runs
     */
    public JournaledConfigurator(String name, SystemTools tools, NamespaceJournals namespaces, List<Tool> serverTools,
                                 ServerFirewall firewall, List<Tool> clientFirewallTools, ClientFirewall clientFirewall) {
        this.name = name;
        this.tools = tools;
        this.serverTools = List.copyOf(serverTools);
        this.firewall = firewall;
        this.clientFirewallTools = List.copyOf(clientFirewallTools);
        this.clientFirewall = clientFirewall;
        this.namespaces = namespaces;
        this.journals = namespaces.own();
        this.reverter = new Reverter(tools);
        this.ipForward = SharedSysctl.ipForward(journals, tools);
        this.ipv6Forward = SharedSysctl.ipv6Forward(journals, tools);
        this.dns = new SharedDns(journals, tools, NamespaceResolver.onHost(tools, namespaces.namespace()));
        this.recovery = new JournalRecovery(journals, reverter, List.of(ipForward, ipv6Forward, dns));
        this.killSwitchJournals = new JournalDirectory(journals.directory().resolve(KILL_SWITCH_DIRECTORY),
                namespaces.namespace().describe());
        this.killSwitchRecovery = new JournalRecovery(killSwitchJournals, reverter, List.of());
    }

    public synchronized AppliedNetworkPlan apply(NetworkPlan plan) throws IOException {
        ValidatedPlan checked = ValidatedPlan.of(plan);
        tools.require(checked.role() == Role.SERVER ? serverTools : CLIENT_TOOLS);
        if (ClientSetup.blocksIpv6(checked)) tools.require(clientFirewallTools);
        Root.require();
        JournalKey key = new JournalKey(checked.tunnelId(), name);
        recovery.recoverTunnel(key);
        JournaledPlan applied = new JournaledPlan(key, journals.create(key), reverter);
        return madeOrRolledBack(applied, () -> {
            if (checked.role() == Role.SERVER) {
                String egress = checked.egressInterface() != null ? checked.egressInterface() : egressFromDefaultRoute();
                // shared by every server tunnel of the namespace: set back only when the last one closes
                applied.hold(ipForward, ipForward::hold);
                if (checked.tunnelSubnet6() != null) applied.hold(ipv6Forward, ipv6Forward::hold);
                firewall.apply(checked, egress, applied);
            } else {
                new ClientSetup(tools, dns, clientFirewall).apply(checked, applied);
            }
        });
    }

    /**
     * Applies a client's kill switch, after lifting the one an earlier run of the tunnel left (of any configurator);
     * reverts what it made when a step fails.
     */
    public synchronized AppliedNetworkPlan applyKillSwitch(KillSwitch killSwitch) throws IOException {
        tools.require(CLIENT_TOOLS);
        tools.require(clientFirewallTools);
        Root.require();
        ValidatedKillSwitch checked = ValidatedKillSwitch.of(killSwitch,
                killSwitch.allowLan() ? ConnectedNetworks.of(tools, killSwitch.tunInterface()) : null);
        JournalKey key = new JournalKey(checked.tunnelId(), name);
        killSwitchRecovery.recoverTunnel(key);
        JournaledPlan applied = new JournaledPlan(key, killSwitchJournals.create(key), reverter);
        return madeOrRolledBack(applied, () -> clientFirewall.killSwitch(checked, applied));
    }

    /** Makes the changes of {@code steps}, or reverts what they made when one fails. */
    private static AppliedNetworkPlan madeOrRolledBack(JournaledPlan applied, JournaledPlan.Change steps) throws IOException {
        try {
            steps.make();
            return applied;
        } catch (IOException | RuntimeException e) {
            try {
                applied.close();
            } catch (IOException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** {@link #recover()}, then the kill switches whose clients no longer run. */
    public synchronized List<String> cleanup() throws IOException {
        List<String> reverted = new java.util.ArrayList<>(recover());
        if (killSwitchRecovery.hasWork()) {
            Root.require();
            reverted.addAll(killSwitchRecovery.recoverAll());
        }
        return reverted;
    }

    /** Reverts every abandoned journal of this namespace but kill switches, whichever configurator wrote it. */
    public synchronized List<String> recover() throws IOException {
        if (namespaces.othersLeftRecords()) {
            // a resolver file outlives a reboot, unlike routes, rules and sysctls
            namespaces.settleOthers(List.of(dns.stateFile().getFileName().toString())).forEach(LOG::info);
        }
        if (!recovery.hasWork()) return List.of();
        Root.require();
        return recovery.recoverAll();
    }

    private String egressFromDefaultRoute() throws IOException {
        String routes = tools.run(Tool.IP, "-4", "route", "show", "default");
        String device = RouteOutputParser.defaultRouteDevice(routes).orElseThrow(() -> new IOException(
                "no IPv4 default route, so no egress interface to NAT out of ('ip -4 route show default' printed "
                        + "nothing); add a default route or name the interface with 'serve --egress IF'"));
        return NetworkNames.requireInterface(device, "egress interface of the default route");
    }
}
