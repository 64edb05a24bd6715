package io.netproxy.netconf.nftables;

import io.netproxy.netconf.support.ClientFirewall;
import io.netproxy.netconf.support.JournaledPlan;
import io.netproxy.netconf.support.ServerAddress;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.io.IOException;
import java.util.List;

/** A client's kill switch and IPv6 block as nftables tables of the tunnel's own (see {@link KillSwitchTable}). */
final class NftablesClientFirewall implements ClientFirewall {
    static final List<Tool> TOOLS = List.of(Tool.NFT);

    private final SystemTools tools;

    NftablesClientFirewall(SystemTools tools) {
        this.tools = tools;
    }

    @Override
    public void killSwitch(ValidatedKillSwitch killSwitch, JournaledPlan applied) throws IOException {
        KillSwitchTable table = KillSwitchTable.killSwitch(killSwitch);
        applied.make(table.remove("lift the kill switch: "), () -> tools.run(Tool.NFT, List.of("-f", "-"), table.install()),
                "nftables table " + table.family() + " " + table.name() + ", " + killSwitch.describe());
    }

    @Override
    public void blockIpv6(String tunnelId, String tunInterface, List<ServerAddress> servers, JournaledPlan applied)
            throws IOException {
        KillSwitchTable table = KillSwitchTable.ipv6Block(tunnelId, tunInterface, servers);
        applied.make(table.remove(""), () -> tools.run(Tool.NFT, List.of("-f", "-"), table.install()),
                "nftables table " + table.family() + " " + table.name() + ": "
                        + ClientFirewall.describeIpv6Block(tunInterface, servers));
    }
}
