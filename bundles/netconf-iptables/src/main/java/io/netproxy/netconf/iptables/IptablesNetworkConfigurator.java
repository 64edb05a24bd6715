package io.netproxy.netconf.iptables;

import io.netproxy.host.CommandRunner;
import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.host.Root;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures a Linux host with iptables-restore, ip and sysctl. Every change is journaled under
 * {@code <netproxy.state.dir>/netconf/netns-<inode>} (see {@link NamespaceJournals}) before it is made, so that
 * {@link #recover()} can revert what a killed process left behind in this network namespace.
 */
@Component(service = NetworkConfigurator.class,
        property = {NetworkConfigurator.PROPERTY + "=" + IptablesNetworkConfigurator.NAME, "service.ranking:Integer=10"})
public final class IptablesNetworkConfigurator implements NetworkConfigurator {
    static final String NAME = "iptables";
    private static final List<Tool> SERVER_TOOLS = List.of(Tool.IP, Tool.IPTABLES_RESTORE, Tool.SYSCTL);
    private static final List<Tool> CLIENT_TOOLS = List.of(Tool.IP);

    private static final Logger LOG = LoggerFactory.getLogger(IptablesNetworkConfigurator.class);

    private final SystemTools tools;
    private final NamespaceJournals namespaces;
    private final JournalDirectory journals;
    private final Reverter reverter;
    private final JournalRecovery recovery;
    private final SharedSysctl ipForward;

    /** @param context where the launcher's {@code netproxy.state.dir} framework property is read */
    @Activate
    public IptablesNetworkConfigurator(BundleContext context) throws IOException {
        this(new SystemTools(CommandRunner.onHost()), new NamespaceJournals(
                Path.of(stateDirectory(context), "netconf"), NetworkNamespace.current()));
    }

    private static String stateDirectory(BundleContext context) {
        String dir = context.getProperty("netproxy.state.dir");
        return dir == null || dir.isBlank() ? "/var/lib/netproxy" : dir;
    }

    IptablesNetworkConfigurator(SystemTools tools, NamespaceJournals namespaces) {
        this.tools = tools;
        this.namespaces = namespaces;
        this.journals = namespaces.own();
        this.reverter = new Reverter(tools);
        this.ipForward = SharedSysctl.ipForward(journals, tools);
        this.recovery = new JournalRecovery(journals, reverter, List.of(ipForward));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized AppliedNetworkPlan apply(NetworkPlan plan) throws IOException {
        ValidatedPlan checked = ValidatedPlan.of(plan);
        tools.require(checked.role() == Role.SERVER ? SERVER_TOOLS : CLIENT_TOOLS);
        Root.require();
        recovery.recoverTunnel(checked.tunnelId());
        AppliedIptablesPlan applied =
                new AppliedIptablesPlan(checked.tunnelId(), journals.create(checked.tunnelId()), reverter);
        try {
            if (checked.role() == Role.SERVER) {
                new ServerSetup(tools, ipForward).apply(checked, applied);
            } else {
                new ClientSetup(tools).apply(checked, applied);
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

    @Override
    public synchronized List<String> recover() throws IOException {
        if (namespaces.othersLeftRecords()) namespaces.settleOthers().forEach(LOG::info);
        if (!recovery.hasWork()) return List.of();
        Root.require();
        return recovery.recoverAll();
    }
}
