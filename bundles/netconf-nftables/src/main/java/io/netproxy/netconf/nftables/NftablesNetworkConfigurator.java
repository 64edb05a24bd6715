package io.netproxy.netconf.nftables;

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
import io.netproxy.netconf.support.ValidatedPlan;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures a Linux host with nft, ip and sysctl: a server's rules live in a table of the tunnel's own (see
 * {@link ServerTable}), created in one {@code nft -f} transaction and removed by deleting it. The journal,
 * recovery and client routes are shared with the other configurators (see {@link JournaledConfigurator}).
 *
 * <p>Registers itself rather than through DS, because whether it is offered depends on the host: with
 * {@value #RANKING} (above iptables' 10, so that tunnels naming no configurator use nftables) when {@code nft} is
 * installed at activation, and not at all otherwise. A configurator that cannot work must not be there to be picked:
 * a tunnel naming none takes the best registered when it starts, and bundles start in no fixed order, so on a host
 * with only iptables a low-ranked nftables could still be the only one registered at that moment.
 */
@Component(service = {}, immediate = true)
public final class NftablesNetworkConfigurator implements NetworkConfigurator {
    static final String NAME = "nftables";
    static final int RANKING = 20;
    private static final List<Tool> SERVER_TOOLS = List.of(Tool.IP, Tool.NFT, Tool.SYSCTL);

    private static final Logger LOG = LoggerFactory.getLogger(NftablesNetworkConfigurator.class);

    private final SystemTools tools;
    private final JournaledConfigurator host;
    private ServiceRegistration<NetworkConfigurator> registration;

    /** @param context where the launcher's {@code netproxy.state.dir} framework property is read */
    @Activate
    public NftablesNetworkConfigurator(BundleContext context) throws IOException {
        this(new SystemTools(CommandRunner.onHost()), NamespaceJournals.inStateDirectory(context.getProperty("netproxy.state.dir")));
        if (!offered()) {
            LOG.info("nft is not installed ({}): the nftables network configurator is not offered", Tool.NFT.installHint());
            return;
        }
        LOG.info("nft is installed: nftables is the default network configurator (service.ranking {})", RANKING);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(NetworkConfigurator.PROPERTY, NAME);
        properties.put(Constants.SERVICE_RANKING, RANKING);
        registration = context.registerService(NetworkConfigurator.class, this, properties);
    }

    /** For tests: not registered anywhere. */
    public NftablesNetworkConfigurator(SystemTools tools, NamespaceJournals namespaces) {
        this.tools = tools;
        this.host = new JournaledConfigurator(NAME, tools, namespaces, SERVER_TOOLS, (plan, egress, applied) -> {
            applyTable(tools, new ServerTable(plan.tunnelId(), plan.tunInterface(), plan.tunnelSubnet(), egress),
                    plan, plan.tunnelSubnet().toString(), egress, applied);
            if (plan.tunnelSubnet6() != null) {
                applyTable(tools, new ServerTable(plan.tunnelId(), plan.tunInterface(), plan.tunnelSubnet6(), egress),
                        plan, plan.tunnelSubnet6().toString(), egress, applied);
            }
        }, NftablesClientFirewall.TOOLS, new NftablesClientFirewall(tools));
    }

    private static void applyTable(SystemTools tools, ServerTable table, ValidatedPlan plan, String subnet, String egress,
                                   JournaledPlan applied) throws IOException {
        applied.make(table.remove(), () -> tools.run(Tool.NFT, List.of("-f", "-"), table.install()),
                "nftables table " + table.family() + " " + table.name() + ": forward " + plan.tunInterface()
                        + ", masquerade " + subnet + " out of " + egress + ", clamp TCP MSS to the path MTU");
    }

    @Override
    public boolean supportsIpv6Inside() {
        return true;
    }

    @Override
    public boolean supportsOtherServerAddresses() {
        return true;
    }

    /** Whether this host can use it: nft is installed. */
    boolean offered() {
        return tools.has(Tool.NFT);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) registration.unregister();
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
