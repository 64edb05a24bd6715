package io.netproxy.netconf.iptables;

import io.netproxy.netconf.support.IptablesScript;
import io.netproxy.netconf.support.IptablesScript.Table;
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
        passes.add("-d " + killSwitch.serverAddress() + "/32");
        passes.add("-p udp -m udp --sport 68 --dport 67");
        if (killSwitch.allowLan()) {
            killSwitch.lanIpv4().forEach(network -> passes.add("-d " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV4.forEach(network -> passes.add("-d " + network));
        }
        return install(passes);
    }

    IptablesScript installIpv6() {
        List<String> passes = new ArrayList<>(common());
        NEIGHBOUR_DISCOVERY.forEach(type -> passes.add("-p ipv6-icmp -m icmp6 --icmpv6-type " + type + " -m hl --hl-eq 255"));
        passes.add("-p udp -m udp --sport 546 --dport 547");
        if (killSwitch.allowLan()) {
            killSwitch.lanIpv6().forEach(network -> passes.add("-d " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV6.forEach(network -> passes.add("-d " + network));
        }
        return install(passes);
    }

    /** The same for both families, as one script: the chain and its jumps live in the filter table. */
    IptablesScript remove() {
        return new IptablesScript(List.of(new Table("filter", List.of(
                "-D OUTPUT " + jump(), "-D FORWARD " + jump(), "-F " + chain, "-X " + chain))));
    }

    private List<String> common() {
        return List.of("-o lo", "-o " + killSwitch.tunInterface());
    }

    private IptablesScript install(List<String> passes) {
        List<String> statements = new ArrayList<>();
        statements.add(":" + chain + " - [0:0]");
        passes.forEach(match -> statements.add("-A " + chain + " " + match + " -j RETURN"));
        statements.add("-A " + chain + " -j DROP");
        statements.add("-I OUTPUT 1 " + jump());
        statements.add("-I FORWARD 1 " + jump());
        return new IptablesScript(List.of(new Table("filter", statements)));
    }

    private String jump() {
        return comment + " -j " + chain;
    }
}
