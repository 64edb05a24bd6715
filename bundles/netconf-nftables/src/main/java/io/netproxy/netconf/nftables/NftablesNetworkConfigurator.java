package io.netproxy.netconf.nftables;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import io.netproxy.host.CommandRunner;
import io.netproxy.netconf.support.JournaledConfigurator;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.Tool;
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
 * <p>Registers itself rather than through DS, because its rank depends on the host: {@value #RANKING_WITH_NFT}
 * when {@code nft} is installed at activation, above iptables' 10, so that tunnels naming no configurator use
 * nftables; {@value #RANKING_WITHOUT_NFT} otherwise, so a host with only iptables keeps using iptables.
 */
@Component(service = {}, immediate = true)
public final class NftablesNetworkConfigurator implements NetworkConfigurator {
    static final String NAME = "nftables";
    static final int RANKING_WITH_NFT = 20;
    static final int RANKING_WITHOUT_NFT = 5;
    private static final List<Tool> SERVER_TOOLS = List.of(Tool.IP, Tool.NFT, Tool.SYSCTL);

    private static final Logger LOG = LoggerFactory.getLogger(NftablesNetworkConfigurator.class);

    private final SystemTools tools;
    private final JournaledConfigurator host;
    private ServiceRegistration<NetworkConfigurator> registration;

    /** @param context where the launcher's {@code netproxy.state.dir} framework property is read */
    @Activate
    public NftablesNetworkConfigurator(BundleContext context) throws IOException {
        this(new SystemTools(CommandRunner.onHost()), NamespaceJournals.inStateDirectory(context.getProperty("netproxy.state.dir")));
        int ranking = ranking();
        if (ranking == RANKING_WITH_NFT) {
            LOG.info("nft is installed: nftables is the default network configurator (service.ranking {})", ranking);
        } else {
            LOG.info("nft is not installed ({}): nftables ranks below iptables (service.ranking {})",
                    Tool.NFT.installHint(), ranking);
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(NetworkConfigurator.PROPERTY, NAME);
        properties.put(Constants.SERVICE_RANKING, ranking);
        registration = context.registerService(NetworkConfigurator.class, this, properties);
    }

    /** For tests: not registered anywhere. */
    public NftablesNetworkConfigurator(SystemTools tools, NamespaceJournals namespaces) {
        this.tools = tools;
        this.host = new JournaledConfigurator(NAME, tools, namespaces, SERVER_TOOLS, (plan, egress, applied) -> {
            ServerTable table = new ServerTable(plan.tunnelId(), plan.tunInterface(), plan.tunnelSubnet(), egress);
            applied.make(table.remove(), () -> tools.run(Tool.NFT, List.of("-f", "-"), table.install()),
                    "nftables table " + ServerTable.FAMILY + " " + table.name() + ": forward " + plan.tunInterface()
                            + ", masquerade " + plan.tunnelSubnet() + " out of " + egress
                            + ", clamp TCP MSS to the path MTU");
        });
    }

    int ranking() {
        return tools.has(Tool.NFT) ? RANKING_WITH_NFT : RANKING_WITHOUT_NFT;
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
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
    public List<String> recover() throws IOException {
        return host.recover();
    }
}
