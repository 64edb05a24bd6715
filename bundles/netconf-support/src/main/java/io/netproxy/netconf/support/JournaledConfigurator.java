package io.netproxy.netconf.support;

import io.netproxy.api.AppliedNetworkPlan;
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
 * holds IPv4 forwarding (shared with the namespace's other server tunnels) and then applies its
 * {@link ServerFirewall}; a client gets routes through the TUN device, a pinned route to the server and the DNS
 * servers its server pushed.
 */
public final class JournaledConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledConfigurator.class);
    private static final List<Tool> CLIENT_TOOLS = List.of(Tool.IP);

    private final String name;
    private final SystemTools tools;
    private final List<Tool> serverTools;
    private final ServerFirewall firewall;
    private final NamespaceJournals namespaces;
    private final JournalDirectory journals;
    private final Reverter reverter;
    private final JournalRecovery recovery;
    private final SharedSysctl ipForward;
    private final SharedDns dns;

    /** @param name the configurator's name, which names its journals */
    public JournaledConfigurator(String name, SystemTools tools, NamespaceJournals namespaces, List<Tool> serverTools,
                                 ServerFirewall firewall) {
        this.name = name;
        this.tools = tools;
        this.serverTools = List.copyOf(serverTools);
        this.firewall = firewall;
        this.namespaces = namespaces;
        this.journals = namespaces.own();
        this.reverter = new Reverter(tools);
        this.ipForward = SharedSysctl.ipForward(journals, tools);
        this.dns = new SharedDns(journals, tools, NamespaceResolver.onHost(tools, namespaces.namespace()));
        this.recovery = new JournalRecovery(journals, reverter, List.of(ipForward, dns));
    }

    public synchronized AppliedNetworkPlan apply(NetworkPlan plan) throws IOException {
        ValidatedPlan checked = ValidatedPlan.of(plan);
        tools.require(checked.role() == Role.SERVER ? serverTools : CLIENT_TOOLS);
        Root.require();
        JournalKey key = new JournalKey(checked.tunnelId(), name);
        recovery.recoverTunnel(key);
        JournaledPlan applied = new JournaledPlan(key, journals.create(key), reverter);
        try {
            if (checked.role() == Role.SERVER) {
                String egress = checked.egressInterface() != null ? checked.egressInterface() : egressFromDefaultRoute();
                // shared by every server tunnel of the namespace: set back only when the last one closes
                applied.hold(ipForward, ipForward::hold);
                firewall.apply(checked, egress, applied);
            } else {
                new ClientSetup(tools, dns).apply(checked, applied);
            }
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

    /** Reverts every abandoned journal of this namespace, whichever configurator wrote it. */
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
