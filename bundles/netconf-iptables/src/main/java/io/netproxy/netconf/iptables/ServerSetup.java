package io.netproxy.netconf.iptables;

import java.io.IOException;
import java.util.List;

/** Server side: IPv4 forwarding, then the tunnel's NAT, FORWARD and MSS rules in one iptables-restore run. */
final class ServerSetup {
    private static final String IP_FORWARD = "net.ipv4.ip_forward";

    private final SystemTools tools;

    ServerSetup(SystemTools tools) {
        this.tools = tools;
    }

    void apply(ValidatedPlan plan, AppliedIptablesPlan applied) throws IOException {
        String egress = plan.egressInterface() != null ? plan.egressInterface() : egressFromDefaultRoute();
        enableForwarding(applied);
        ServerRules rules = new ServerRules(plan.tunnelId(), plan.tunInterface(), plan.tunnelSubnet(), egress);
        ChainNames chains = rules.chains();
        String chainList = String.join(", ", chains.forward(), chains.nat(), chains.mss());
        applied.make(
                new UndoStep(Tool.IPTABLES_RESTORE, List.of("-n"), rules.remove().render(),
                        "remove iptables chains " + chainList),
                () -> tools.run(Tool.IPTABLES_RESTORE, List.of("-n"), rules.install().render()),
                "iptables chains " + chainList + ": forward " + plan.tunInterface() + ", masquerade "
                        + plan.tunnelSubnet() + " out of " + egress + ", clamp TCP MSS to the path MTU");
    }

    private String egressFromDefaultRoute() throws IOException {
        String routes = tools.run(Tool.IP, "-4", "route", "show", "default");
        String device = RouteOutputParser.defaultRouteDevice(routes).orElseThrow(() -> new IOException(
                "no IPv4 default route, so no egress interface to NAT out of ('ip -4 route show default' printed "
                        + "nothing); add a default route or name the interface with 'serve --egress IF'"));
        return NetworkNames.requireInterface(device, "egress interface of the default route");
    }

    private void enableForwarding(AppliedIptablesPlan applied) throws IOException {
        String before = tools.run(Tool.SYSCTL, "-n", IP_FORWARD).strip();
        if (before.equals("1")) {
            applied.note(IP_FORWARD + " was already 1");
            return;
        }
        if (!before.matches("[0-9]+")) throw new IOException("unexpected value of " + IP_FORWARD + ": '" + before + "'");
        applied.make(
                new UndoStep(Tool.SYSCTL, List.of("-q", "-w", IP_FORWARD + "=" + before), "",
                        "restore " + IP_FORWARD + "=" + before),
                () -> tools.run(Tool.SYSCTL, "-q", "-w", IP_FORWARD + "=1"),
                IP_FORWARD + " set to 1 (was " + before + ")");
    }
}
