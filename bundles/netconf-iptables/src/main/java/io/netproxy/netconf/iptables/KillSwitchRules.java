package io.netproxy.netconf.iptables;

import io.netproxy.netconf.support.IptablesScript;
import io.netproxy.netconf.support.IptablesScript.Table;
import io.netproxy.netconf.support.ServerAddress;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's kill switch in iptables and ip6tables: one chain per family, jumped to from position 1 of OUTPUT and
 * FORWARD, that returns what may leave (so the host's own rules still judge it) and drops the rest. The jumps carry
 * the tunnel's comment, so that removal deletes exactly them.
 */
final class KillSwitchRules {
    private static final List<String> NEIGHBOUR_DISCOVERY = List.of("router-solicitation", "router-advertisement",
            "neighbour-solicitation", "neighbour-advertisement");
    /** What IPv6 needs on any link: neighbour discovery (hop limit 255: never routed) and DHCPv6. */
    static final List<String> IPV6_ESSENTIALS = essentials();

    private final ValidatedKillSwitch killSwitch;
    private final String chain;
    private final String comment;

    KillSwitchRules(ValidatedKillSwitch killSwitch) {
        this.killSwitch = killSwitch;
        this.chain = ChainNames.forTunnel(killSwitch.tunnelId()).killSwitch();
        this.comment = "-m comment --comment \"netproxy " + killSwitch.tunnelId() + " kill switch\"";
    }

    String chain() {
        return chain;
    }

    IptablesScript installIpv4() {
        List<String> passes = new ArrayList<>(common());
        killSwitch.serverAddresses().stream().filter(server -> !server.isIpv6()).forEach(server -> passes.add("-d " + server + "/32"));
        passes.add("-p udp -m udp --sport 68 --dport 67");
        if (killSwitch.allowLan()) {
            killSwitch.lanIpv4().forEach(network -> passes.add("-d " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV4.forEach(network -> passes.add("-d " + network));
        }
        return install(passes);
    }

    IptablesScript installIpv6() {
        List<String> passes = new ArrayList<>(common());
        passes.addAll(IPV6_ESSENTIALS);
        killSwitch.serverAddresses().stream().filter(ServerAddress::isIpv6).forEach(server -> passes.add("-d " + server + "/128"));
        if (killSwitch.allowLan()) {
            killSwitch.lanIpv6().forEach(network -> passes.add("-d " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV6.forEach(network -> passes.add("-d " + network));
        }
        return install(passes);
    }

    /** The same for both families, as one script: the chain and its jumps live in the filter table. */
    IptablesScript remove() {
        return remove(chain, comment);
    }

    private List<String> common() {
        return List.of("-o lo", "-o " + killSwitch.tunInterface());
    }

    private IptablesScript install(List<String> passes) {
        return install(chain, comment, passes);
    }

    /** A filter chain that returns what {@code passes} match and drops the rest, jumped to first from OUTPUT and FORWARD. */
    static IptablesScript install(String chain, String comment, List<String> passes) {
        List<String> statements = new ArrayList<>();
        statements.add(":" + chain + " - [0:0]");
        passes.forEach(match -> statements.add("-A " + chain + " " + match + " -j RETURN"));
        statements.add("-A " + chain + " -j DROP");
        statements.add("-I OUTPUT 1 " + comment + " -j " + chain);
        statements.add("-I FORWARD 1 " + comment + " -j " + chain);
        return new IptablesScript(List.of(new Table("filter", statements)));
    }

    static IptablesScript remove(String chain, String comment) {
        String jump = comment + " -j " + chain;
        return new IptablesScript(List.of(new Table("filter", List.of(
                "-D OUTPUT " + jump, "-D FORWARD " + jump, "-F " + chain, "-X " + chain))));
    }

    private static List<String> essentials() {
        List<String> passes = new ArrayList<>();
        NEIGHBOUR_DISCOVERY.forEach(type -> passes.add("-p ipv6-icmp -m icmp6 --icmpv6-type " + type + " -m hl --hl-eq 255"));
        passes.add("-p udp -m udp --sport 546 --dport 547");
        return List.copyOf(passes);
    }
}
