package io.netproxy.netconf.nftables;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netproxy.netconf.support.Ipv4Cidr;
import io.netproxy.netconf.support.Ipv6Cidr;
import io.netproxy.netconf.support.UndoStep;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The server's nftables table of one tunnel: accept forwarding from the TUN device and established traffic back
 * to it, clamp TCP MSS to the path MTU, and masquerade the tunnel subnet out of the egress interface. It is
 * created whole in one {@code nft -f} transaction and removed whole by deleting the table, so nothing of anyone
 * else's is ever touched.
 *
 * <p>The name is {@code netproxy_} and a hash of the tunnel id: tunnel ids may hold characters nft's identifiers
 * do not ({@code : @ ~ +}), and kernels before 5.x limit a table name to 31 characters. The family is {@code ip}, and
 * a tunnel that carries IPv6 has a second table of the same name in family {@code ip6} for its IPv6 subnet: NAT in
 * an {@code inet} table needs Linux 5.2, and two tables keep the IPv4 one exactly as it is without IPv6.
 *
 * <p>Hook priorities sit one below the standard ones iptables-nft registers its tables at (mangle -150, filter 0,
 * srcnat 100), so these chains run first at each hook, as netconf-iptables' jumps do from position 1 of the
 * built-in chains; all run after conntrack (-200), which the {@code ct state} match and NAT need. At one hook every
 * base chain of every table sees the packet in priority order, and an accept ends only its own chain: a drop in
 * any other table (an iptables FORWARD policy of DROP, as Docker sets) still drops the packet. The first NAT chain
 * that maps a connection wins, so this masquerade takes the tunnel's connections before other tables' SNAT rules.
 */
final class ServerTable {
    static final String FAMILY = "ip";
    static final String FAMILY6 = "ip6";
    static final String PREFIX = "netproxy_";
    static final int MANGLE_PRIORITY = -151;
    static final int FILTER_PRIORITY = -1;
    static final int SRCNAT_PRIORITY = 99;
    private static final String CLAMP_SYN = "tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu";

    private final String name;
    private final String comment;
    private final String tun;
    private final String family;
    private final String subnet;
    private final String egress;

    /** The IPv4 table. */
    ServerTable(String tunnelId, String tun, Ipv4Cidr subnet, String egress) {
        this(tunnelId, tun, FAMILY, subnet.toString(), egress);
    }

    /** The IPv6 table. */
    ServerTable(String tunnelId, String tun, Ipv6Cidr subnet, String egress) {
        this(tunnelId, tun, FAMILY6, subnet.toString(), egress);
    }

    private ServerTable(String tunnelId, String tun, String family, String subnet, String egress) {
        this.family = family;
        this.name = nameOf(tunnelId);
        this.comment = "comment \"netproxy " + tunnelId + "\"";
        this.tun = tun;
        this.subnet = subnet;
        this.egress = egress;
    }

    static String nameOf(String tunnelId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tunnelId.getBytes(UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    String name() {
        return name;
    }

    String family() {
        return family;
    }

    /** Input for {@code nft -f -} (see {@link TableScript#replacing}). */
    String install() {
        return TableScript.replacing(family, name,
                TableScript.chain("forward", "filter hook forward priority " + FILTER_PRIORITY, List.of(
                        "iifname \"" + tun + "\" accept",
                        "oifname \"" + tun + "\" ct state established,related accept"), comment),
                TableScript.chain("mss", "filter hook forward priority " + MANGLE_PRIORITY, List.of(
                        "iifname \"" + tun + "\" " + CLAMP_SYN,
                        "oifname \"" + tun + "\" " + CLAMP_SYN), comment),
                TableScript.chain("postrouting", "nat hook postrouting priority " + SRCNAT_PRIORITY, List.of(
                        family + " saddr " + subnet + " oifname \"" + egress + "\" masquerade"), comment));
    }

    UndoStep remove() {
        return TableScript.removal(family, name, "");
    }
}
