package io.netproxy.netconf.nftables;

import io.netproxy.netconf.support.ClientFirewall;
import io.netproxy.netconf.support.ServerAddress;
import io.netproxy.netconf.support.UndoStep;
import io.netproxy.netconf.support.ValidatedKillSwitch;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's kill switch or IPv6 block as an nftables table of its own: output and forward chains that accept what
 * may leave and drop the rest, created in one transaction and removed by deleting the table. An accept ends only this
 * table's chain, so the host's own rules still judge what passes; the drop is final. The kill switch is an
 * {@code inet} table (IPv4 and IPv6 at once), the IPv6 block an {@code ip6} one; both are named like
 * {@link ServerTable}'s, with {@code ks_} and {@code v6_}.
 */
final class KillSwitchTable {
    private static final String NEIGHBOUR_DISCOVERY = "icmpv6 type { nd-router-solicit, nd-router-advert, "
            + "nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255";
    private static final String DHCPV6 = "udp sport 546 udp dport 547";

    private final String family;
    private final String name;
    private final String comment;
    /** Matches of what may leave through the forward hook; the output hook also lets loopback through. */
    private final List<String> passes;

    private KillSwitchTable(String family, String name, String comment, List<String> passes) {
        this.family = family;
        this.name = name;
        this.comment = comment;
        this.passes = List.copyOf(passes);
    }

    static KillSwitchTable killSwitch(ValidatedKillSwitch killSwitch) {
        List<String> passes = new ArrayList<>();
        passes.add("oifname \"" + killSwitch.tunInterface() + "\"");
        killSwitch.serverAddresses().forEach(server -> passes.add((server.isIpv6() ? "ip6 daddr " : "ip daddr ") + server));
        passes.add("udp sport 68 udp dport 67");
        passes.add(NEIGHBOUR_DISCOVERY);
        passes.add(DHCPV6);
        if (killSwitch.allowLan()) {
            // one rule each: an anonymous set refuses overlapping intervals
            killSwitch.lanIpv4().forEach(network -> passes.add("ip daddr " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV4.forEach(network -> passes.add("ip daddr " + network));
            killSwitch.lanIpv6().forEach(network -> passes.add("ip6 daddr " + network));
            ValidatedKillSwitch.LAN_EXTRAS_IPV6.forEach(network -> passes.add("ip6 daddr " + network));
        }
        return new KillSwitchTable("inet", named(killSwitch.tunnelId(), "ks_"),
                "comment \"netproxy " + killSwitch.tunnelId() + " kill switch\"", passes);
    }

    static KillSwitchTable ipv6Block(String tunnelId, String tunInterface, List<ServerAddress> servers) {
        List<String> passes = new ArrayList<>(List.of("oifname \"" + tunInterface + "\"",
                "ip6 daddr " + ClientFirewall.LINK_LOCAL_UNICAST, "ip6 daddr " + ClientFirewall.LINK_LOCAL_MULTICAST,
                NEIGHBOUR_DISCOVERY, DHCPV6));
        servers.stream().filter(ServerAddress::isIpv6).forEach(server -> passes.add("ip6 daddr " + server));
        return new KillSwitchTable("ip6", named(tunnelId, "v6_"), "comment \"netproxy " + tunnelId + " IPv6 block\"",
                passes);
    }

    private static String named(String tunnelId, String kind) {
        return ServerTable.nameOf(tunnelId).replace(ServerTable.PREFIX, ServerTable.PREFIX + kind);
    }

    String family() {
        return family;
    }

    String name() {
        return name;
    }

    /** Input for {@code nft -f -} (see {@link TableScript#replacing}). */
    String install() {
        String priority = " priority " + ServerTable.FILTER_PRIORITY;
        return TableScript.replacing(family, name,
                TableScript.chain("output", "filter hook output" + priority, rules(true), comment),
                TableScript.chain("forward", "filter hook forward" + priority, rules(false), comment));
    }

    UndoStep remove(String what) {
        return TableScript.removal(family, name, what);
    }

    /** The output hook also lets loopback through. */
    private List<String> rules(boolean output) {
        List<String> rules = new ArrayList<>();
        if (output) rules.add("oifname \"lo\" accept");
        passes.forEach(match -> rules.add(match + " accept"));
        rules.add("counter drop");
        return rules;
    }
}
