package io.netproxy.netconf.nftables;

import io.netproxy.netconf.support.Tool;
import io.netproxy.netconf.support.UndoStep;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's kill switch as an nftables table of its own in the {@code inet} family (IPv4 and IPv6 at once): output
 * and forward chains that accept what may leave and drop the rest, created in one transaction and removed by
 * deleting the table. An accept ends only this table's chain, so the host's own rules still judge what passes; the
 * drop is final. Named like {@link ServerTable}'s, with {@code ks_}.
 */
final class KillSwitchTable {
    static final String FAMILY = "inet";

    private final ValidatedKillSwitch killSwitch;
    private final String name;
    private final String comment;

    KillSwitchTable(ValidatedKillSwitch killSwitch) {
        this.killSwitch = killSwitch;
        this.name = ServerTable.nameOf(killSwitch.tunnelId()).replace(ServerTable.PREFIX, ServerTable.PREFIX + "ks_");
        this.comment = "comment \"netproxy " + killSwitch.tunnelId() + " kill switch\"";
    }

    String name() {
        return name;
    }

    /** Input for {@code nft -f -}; declaring and deleting first replaces a leftover of the same name. */
    String install() {
        String table = "table " + FAMILY + " " + name;
        return table + "\n"
                + "delete " + table + "\n"
                + table + " {\n"
                + chain("output", "filter hook output priority " + ServerTable.FILTER_PRIORITY, true)
                + chain("forward", "filter hook forward priority " + ServerTable.FILTER_PRIORITY, false)
                + "}\n";
    }

    UndoStep remove() {
        return new UndoStep(Tool.NFT, List.of("delete", "table", FAMILY, name), "",
                "lift the kill switch: delete nftables table " + FAMILY + " " + name);
    }

    private List<String> passes(boolean output) {
        List<String> passes = new ArrayList<>();
        if (output) passes.add("oifname \"lo\"");
        passes.add("oifname \"" + killSwitch.tunInterface() + "\"");
        passes.add("ip daddr " + killSwitch.serverAddress());
        passes.add("udp sport 68 udp dport 67");
        passes.add("icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } "
                + "ip6 hoplimit 255");
        passes.add("udp sport 546 udp dport 547");
        if (killSwitch.allowLan()) {
            // one rule each: an anonymous set refuses overlapping intervals
            killSwitch.lanIpv4().forEach(network -> passes.add("ip daddr " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV4.forEach(network -> passes.add("ip daddr " + network));
            killSwitch.lanIpv6().forEach(network -> passes.add("ip6 daddr " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV6.forEach(network -> passes.add("ip6 daddr " + network));
        }
        return passes;
    }

    private String chain(String chain, String hook, boolean output) {
        StringBuilder text = new StringBuilder("\tchain ").append(chain).append(" {\n")
                .append("\t\ttype ").append(hook).append("; policy accept;\n");
        passes(output).forEach(match -> text.append("\t\t").append(match).append(" accept ").append(comment).append('\n'));
        text.append("\t\tcounter drop ").append(comment).append('\n');
        return text.append("\t}\n").toString();
    }
}
