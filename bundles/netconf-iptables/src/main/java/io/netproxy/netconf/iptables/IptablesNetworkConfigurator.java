package io.netproxy.netconf.iptables;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.NetworkPlan.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Configures a Linux host with iptables-restore, ip and sysctl. Every change is journaled under
 * {@code <netproxy.state.dir>/netconf} before it is made, so that {@link #recover()} can revert what a killed
 * process left behind.
 */
@Component(service = NetworkConfigurator.class,
        property = {NetworkConfigurator.PROPERTY + "=" + IptablesNetworkConfigurator.NAME, "service.ranking:Integer=10"})
public final class IptablesNetworkConfigurator implements NetworkConfigurator {
    static final String NAME = "iptables";
    private static final List<Tool> SERVER_TOOLS = List.of(Tool.IP, Tool.IPTABLES_RESTORE, Tool.SYSCTL);
    private static final List<Tool> CLIENT_TOOLS = List.of(Tool.IP);

    private final SystemTools tools;
    private final JournalDirectory journals;
    private final Reverter reverter;
    private final JournalRecovery recovery;
    private final SharedSysctl ipForward;

    public IptablesNetworkConfigurator() {
        this(new SystemTools(CommandRunner.onHost()),
                Path.of(System.getProperty("netproxy.state.dir", "/var/lib/netproxy"), "netconf"));
    }

    IptablesNetworkConfigurator(SystemTools tools, Path journalDirectory) {
        this.tools = tools;
        this.journals = new JournalDirectory(journalDirectory);
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
        RootCheck.requireRoot();
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
        if (!recovery.hasWork()) return List.of();
        RootCheck.requireRoot();
        return recovery.recoverAll();
    }
}
