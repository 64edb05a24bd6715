package io.netproxy.netconf.iptables;

import io.netproxy.netconf.support.ClientFirewall;
import io.netproxy.netconf.support.IptablesScript;
import io.netproxy.netconf.support.JournaledPlan;
import io.netproxy.netconf.support.ServerAddress;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.UndoStep;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A client's kill switch and IPv6 block as iptables and ip6tables chains of the tunnel's own (see {@link KillSwitchRules}). */
final class IptablesClientFirewall implements ClientFirewall {
    static final List<Tool> TOOLS = List.of(Tool.IPTABLES_RESTORE, Tool.IP6TABLES_RESTORE);

    private final SystemTools tools;

    IptablesClientFirewall(SystemTools tools) {
        this.tools = tools;
    }

    @Override
    public void killSwitch(ValidatedKillSwitch killSwitch, JournaledPlan applied) throws IOException {
        KillSwitchRules rules = new KillSwitchRules(killSwitch);
        String remove = rules.remove().render();
        applied.make(new UndoStep(Tool.IPTABLES_RESTORE, List.of("-n"), remove,
                        "lift the kill switch: remove iptables chain " + rules.chain()),
                () -> tools.run(Tool.IPTABLES_RESTORE, List.of("-n"), rules.installIpv4().render()),
                "iptables chain " + rules.chain() + " (OUTPUT, FORWARD)");
        applied.make(new UndoStep(Tool.IP6TABLES_RESTORE, List.of("-n"), remove,
                        "lift the kill switch: remove ip6tables chain " + rules.chain()),
                () -> tools.run(Tool.IP6TABLES_RESTORE, List.of("-n"), rules.installIpv6().render()),
                "ip6tables chain " + rules.chain() + " (OUTPUT, FORWARD), " + killSwitch.describe());
    }

    @Override
    public void blockIpv6(String tunnelId, String tunInterface, List<ServerAddress> servers, JournaledPlan applied)
            throws IOException {
        String chain = ChainNames.forTunnel(tunnelId).ipv6Block();
        String comment = "-m comment --comment \"netproxy " + tunnelId + " IPv6 block\"";
        List<String> passes = new ArrayList<>(List.of("-o lo", "-o " + tunInterface,
                "-d " + LINK_LOCAL_UNICAST, "-d " + LINK_LOCAL_MULTICAST));
        passes.addAll(KillSwitchRules.IPV6_ESSENTIALS);
        servers.stream().filter(ServerAddress::isIpv6).forEach(server -> passes.add("-d " + server + "/128"));
        IptablesScript install = KillSwitchRules.install(chain, comment, passes);
        applied.make(new UndoStep(Tool.IP6TABLES_RESTORE, List.of("-n"), KillSwitchRules.remove(chain, comment).render(),
                        "remove ip6tables chain " + chain),
                () -> tools.run(Tool.IP6TABLES_RESTORE, List.of("-n"), install.render()),
                "ip6tables chain " + chain + ": " + ClientFirewall.describeIpv6Block(tunInterface, servers));
    }
}
