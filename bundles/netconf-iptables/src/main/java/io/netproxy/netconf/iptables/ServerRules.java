package io.netproxy.netconf.iptables;

import io.netproxy.netconf.support.IptablesScript;
import io.netproxy.netconf.support.IptablesScript.Table;
import java.util.List;

/**
 * The server's firewall rules for one tunnel: accept forwarding to and from the TUN device, masquerade the
 * tunnel subnet out of the egress interface, and clamp TCP MSS to the path MTU. Everything lives in the
 * tunnel's own chains; the built-in chains only get one labelled jump each. The same rules serve iptables for the
 * IPv4 subnet and ip6tables for the IPv6 one, with the same chain names in each.
 */
final class ServerRules {
    private static final String CLAMP_SYN = "-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu";

    private final ChainNames chains;
    private final String comment;
    private final String tun;
    private final String subnet;
    private final String egress;

    /** @param subnet an IPv4 subnet (for iptables-restore) or an IPv6 one (for ip6tables-restore) */
    ServerRules(String tunnelId, String tun, String subnet, String egress) {
        this.chains = ChainNames.forTunnel(tunnelId);
        this.comment = "-m comment --comment \"netproxy " + tunnelId + "\"";
        this.tun = tun;
        this.subnet = subnet;
        this.egress = egress;
    }

    ChainNames chains() {
        return chains;
    }

    IptablesScript install() {
        return new IptablesScript(List.of(
                new Table("filter", List.of(
                        declare(chains.forward()),
                        "-A " + chains.forward() + " -i " + tun + " -j ACCEPT",
                        "-A " + chains.forward() + " -o " + tun + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                        "-I FORWARD 1 " + jump(chains.forward()))),
                new Table("nat", List.of(
                        declare(chains.nat()),
                        "-A " + chains.nat() + " -s " + subnet + " -o " + egress + " -j MASQUERADE",
                        "-I POSTROUTING 1 " + jump(chains.nat()))),
                new Table("mangle", List.of(
                        declare(chains.mss()),
                        "-A " + chains.mss() + " -i " + tun + " " + CLAMP_SYN,
                        "-A " + chains.mss() + " -o " + tun + " " + CLAMP_SYN,
                        "-I FORWARD 1 " + jump(chains.mss())))));
    }

    /** Same table order as {@link #install()}: a run that failed halfway committed a prefix of the tables. */
    IptablesScript remove() {
        return new IptablesScript(List.of(
                new Table("filter", removal("FORWARD", chains.forward())),
                new Table("nat", removal("POSTROUTING", chains.nat())),
                new Table("mangle", removal("FORWARD", chains.mss()))));
    }

    private static String declare(String chain) {
        return ":" + chain + " - [0:0]";
    }

    private String jump(String chain) {
        return comment + " -j " + chain;
    }

    private List<String> removal(String builtinChain, String chain) {
        return List.of("-D " + builtinChain + " " + jump(chain), "-F " + chain, "-X " + chain);
    }
}
