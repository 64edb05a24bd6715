package io.netproxy.netconf.iptables;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.KillSwitch;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import io.netproxy.host.CommandRunner;
import io.netproxy.netconf.support.JournaledConfigurator;
import io.netproxy.netconf.support.JournaledPlan;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.UndoStep;
import io.netproxy.netconf.support.ValidatedPlan;
import java.io.IOException;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Configures a Linux host with iptables-restore, ip and sysctl: a server's rules live in the tunnel's own chains
 * (see {@link ServerRules}), applied in one {@code iptables-restore --noflush} run. The journal, recovery and
 * client routes are shared with the other configurators (see {@link JournaledConfigurator}).
 */
@Component(service = NetworkConfigurator.class,
        property = {NetworkConfigurator.PROPERTY + "=" + IptablesNetworkConfigurator.NAME, "service.ranking:Integer=10"})
public final class IptablesNetworkConfigurator implements NetworkConfigurator {
    static final String NAME = "iptables";
    private static final List<Tool> SERVER_TOOLS = List.of(Tool.IP, Tool.IPTABLES_RESTORE, Tool.SYSCTL);

    private final JournaledConfigurator host;

    /** @param context where the launcher's {@code netproxy.state.dir} framework property is read */
    @Activate
    public IptablesNetworkConfigurator(BundleContext context) throws IOException {
        this(new SystemTools(CommandRunner.onHost()), NamespaceJournals.inStateDirectory(context.getProperty("netproxy.state.dir")));
    }

    /** For tests, here and in netconf-nftables' (one tunnel served by both configurators at once). */
    public IptablesNetworkConfigurator(SystemTools tools, NamespaceJournals namespaces) {
        this.host = new JournaledConfigurator(NAME, tools, namespaces, SERVER_TOOLS, (plan, egress, applied) -> {
            if (plan.tunnelSubnet6() != null) tools.require(List.of(Tool.IP6TABLES_RESTORE));
            applyServerRules(tools, Tool.IPTABLES_RESTORE, plan, plan.tunnelSubnet().toString(), egress, applied);
            if (plan.tunnelSubnet6() != null) {
                applyServerRules(tools, Tool.IP6TABLES_RESTORE, plan, plan.tunnelSubnet6().toString(), egress, applied);
            }
        }, IptablesClientFirewall.TOOLS, new IptablesClientFirewall(tools));
    }

    /** The server's chains for one family: {@code restore} is iptables-restore or ip6tables-restore. */
    private static void applyServerRules(SystemTools tools, Tool restore, ValidatedPlan plan, String subnet, String egress,
                                         JournaledPlan applied) throws IOException {
        ServerRules rules = new ServerRules(plan.tunnelId(), plan.tunInterface(), subnet, egress);
        ChainNames chains = rules.chains();
        String chainList = String.join(", ", chains.forward(), chains.nat(), chains.mss());
        String family = restore == Tool.IP6TABLES_RESTORE ? "ip6tables" : "iptables";
        applied.make(
                new UndoStep(restore, List.of("-n"), rules.remove().render(), "remove " + family + " chains " + chainList),
                () -> tools.run(restore, List.of("-n"), rules.install().render()),
                family + " chains " + chainList + ": forward " + plan.tunInterface() + ", masquerade " + subnet
                        + " out of " + egress + ", clamp TCP MSS to the path MTU");
    }

    @Override
    public boolean supportsIpv6Inside() {
        return true;
    }

    @Override
    public boolean supportsOtherServerAddresses() {
        return true;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppliedNetworkPlan apply(NetworkPlan plan) throws IOException {
        return host.apply(plan);
    }

    @Override
    public AppliedNetworkPlan applyKillSwitch(KillSwitch killSwitch) throws IOException {
        return host.applyKillSwitch(killSwitch);
    }

    @Override
    public List<String> recover() throws IOException {
        return host.recover();
    }

    @Override
    public List<String> cleanup() throws IOException {
        return host.cleanup();
    }
}
