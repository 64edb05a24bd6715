package io.netproxy.netconf.iptables;

import java.io.IOException;
import java.util.List;

/**
 * Server side: IPv4 forwarding, shared with the namespace's other server tunnels, then the tunnel's NAT, FORWARD
 * and MSS rules in one iptables-restore run.
 */
final class ServerSetup {
    private final SystemTools tools;
    private final SharedSysctl ipForward;

    ServerSetup(SystemTools tools, SharedSysctl ipForward) {
        this.tools = tools;
        this.ipForward = ipForward;
    }

    void apply(ValidatedPlan plan, AppliedIptablesPlan applied) throws IOException {
        String egress = plan.egressInterface() != null ? plan.egressInterface() : egressFromDefaultRoute();
        // shared by every server tunnel of the namespace: set back only when the last one closes
        applied.hold(ipForward);
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
}
