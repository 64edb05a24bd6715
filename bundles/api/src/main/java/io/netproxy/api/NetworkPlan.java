package io.netproxy.api;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A declarative description of the host changes for one tunnel. A class rather than a record, so that a later
 * minor version can add to it (a record's constructor would change).
 *
 * <p>Server: enable IPv4 forwarding, masquerade {@code tunnelSubnet} out of the egress interface (taken from
 * the routing table when {@code egressInterface} is null), accept forwarding between the TUN device and the
 * egress, and clamp TCP MSS to the path MTU.
 *
 * <p>Client: route each of {@code routes} through the TUN device and pin a host route to {@code serverAddress}
 * via the gateway that reached it before; the user's own default route is left in place (a full tunnel
 * uses {@code 0.0.0.0/1} and {@code 128.0.0.0/1}). When {@code dns} names servers, the host's resolver uses them
 * while the plan is applied and is put back as it was afterwards (empty: the host's DNS stays as it is).
 *
 * <p>IPv6 inside the tunnel (since 1.1), only in plans for a configurator that {@linkplain
 * NetworkConfigurator#supportsIpv6Inside() supports it}: a server's {@code tunnelSubnet6} is also forwarded and
 * masqueraded (IPv6 forwarding on), and a client's {@code routes} may hold IPv6 networks ({@code ::/0}, routed as
 * {@code ::/1} and {@code 8000::/1}) and its {@code dns} IPv6 servers after the IPv4 ones. A full-tunnel client blocks
 * IPv6 egress outside the TUN device either way.
 *
 * <p>A client's plan may name DNS search domains besides its servers (since 1.1, {@link #withDnsSearch}): the
 * resolver completes short names with them and, where it routes names by domain (systemd-resolved), sends the names
 * in them to the plan's servers.
 */
public final class NetworkPlan {
    public enum Role { SERVER, CLIENT }

    /** The most search domains a plan holds (resolv.conf's traditional limit). @since 1.1 */
    public static final int MAX_SEARCH_DOMAINS = 6;
    /** The most characters of all search domains together, spaces between them included (resolv.conf's, too). @since 1.1 */
    public static final int MAX_SEARCH_CHARACTERS = 256;
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final String tunnelId;
    private final Role role;
    private final String tunInterface;
    private final String tunnelSubnet;
    private final String tunnelSubnet6;
    private final String egressInterface;
    private final String serverAddress;
    private final List<String> routes;
    private final List<String> dns;
    private final List<String> dnsSearch;
    private final List<String> otherServerAddresses;

    /**
     * @param tunnelId        a name unique among the tunnels of this host, used to journal and label rules
     * @param role            server or client
     * @param tunInterface    the TUN device name
     * @param tunnelSubnet    the tunnel's subnet in CIDR notation (server: the address pool)
     * @param egressInterface server: interface to NAT out of, or null to look it up
     * @param serverAddress   client: the server's underlay IP address
     * @param routes          client: CIDRs to send through the tunnel ({@code 0.0.0.0/0} means everything)
     * @param dns             client: DNS servers pushed by the server (may be empty)
     */
    public NetworkPlan(String tunnelId, Role role, String tunInterface, String tunnelSubnet, String egressInterface,
                       String serverAddress, List<String> routes, List<String> dns) {
        this(tunnelId, role, tunInterface, tunnelSubnet, null, egressInterface, serverAddress, routes, dns);
    }

    /**
     * A plan that may carry IPv6 inside the tunnel.
     *
     * @param tunnelSubnet6 server: the tunnel's IPv6 prefix in CIDR notation, or null for IPv4 only
     * @param routes        client: IPv4 and IPv6 CIDRs to send through the tunnel ({@code ::/0}: all of IPv6)
     * @since 1.1
     */
    public NetworkPlan(String tunnelId, Role role, String tunInterface, String tunnelSubnet, String tunnelSubnet6,
                       String egressInterface, String serverAddress, List<String> routes, List<String> dns) {
        this.tunnelSubnet6 = tunnelSubnet6;
        this.tunnelId = Objects.requireNonNull(tunnelId, "tunnelId");
        this.role = Objects.requireNonNull(role, "role");
        this.tunInterface = Objects.requireNonNull(tunInterface, "tunInterface");
        this.tunnelSubnet = tunnelSubnet;
        this.egressInterface = egressInterface;
        this.serverAddress = serverAddress;
        this.routes = routes == null ? List.of() : List.copyOf(routes);
        this.dns = dns == null ? List.of() : List.copyOf(dns);
        this.dnsSearch = List.of();
        this.otherServerAddresses = List.of();
        if (role == Role.SERVER) Objects.requireNonNull(tunnelSubnet, "tunnelSubnet");
        if (role == Role.CLIENT) Objects.requireNonNull(serverAddress, "serverAddress");
    }

    public String tunnelId() { return tunnelId; }

    public Role role() { return role; }

    public String tunInterface() { return tunInterface; }

    public String tunnelSubnet() { return tunnelSubnet; }

    /** Server: the tunnel's IPv6 prefix, or null when the tunnel carries IPv4 only. @since 1.1 */
    public String tunnelSubnet6() { return tunnelSubnet6; }

    /** Whether the plan carries IPv6 inside the tunnel: a server's IPv6 prefix or a client's IPv6 route. @since 1.1 */
    public boolean carriesIpv6() {
        return tunnelSubnet6 != null || routes.stream().anyMatch(route -> route.contains(":"));
    }

    public String egressInterface() { return egressInterface; }

    public String serverAddress() { return serverAddress; }

    public List<String> routes() { return routes; }

    public List<String> dns() { return dns; }

    /** Client: the DNS search domains that go with {@link #dns()}, empty for none. @since 1.1 */
    public List<String> dnsSearch() { return dnsSearch; }

    /**
     * This plan with these DNS search domains, which need DNS servers to go with them.
     *
     * @throws IllegalArgumentException as {@link #checkSearchDomains} does, or when the plan has no DNS servers
     * @since 1.1
     */
    public NetworkPlan withDnsSearch(List<String> domains) {
        return new NetworkPlan(this, domains == null ? List.of() : checkSearchDomains(domains), otherServerAddresses);
    }

    /**
     * Client: the server's other underlay addresses (one of the other family, when its name has both), to which the
     * client may move when the network stops carrying {@code serverAddress}'s family. The configurator treats them as
     * it treats {@code serverAddress} (a pinned route where the tunnel would otherwise carry their packets, a way
     * through the IPv6 block), but where the host has no route to one, it notes that and goes on.
     *
     * @since 1.1
     */
    public List<String> otherServerAddresses() { return otherServerAddresses; }

    /** This plan with these other addresses of the server. @since 1.1 */
    public NetworkPlan withOtherServerAddresses(List<String> addresses) {
        return new NetworkPlan(this, dnsSearch, addresses == null ? List.of() : addresses);
    }

    private NetworkPlan(NetworkPlan plan, List<String> dnsSearch, List<String> otherServerAddresses) {
        this.tunnelId = plan.tunnelId;
        this.role = plan.role;
        this.tunInterface = plan.tunInterface;
        this.tunnelSubnet = plan.tunnelSubnet;
        this.tunnelSubnet6 = plan.tunnelSubnet6;
        this.egressInterface = plan.egressInterface;
        this.serverAddress = plan.serverAddress;
        this.routes = plan.routes;
        this.dns = plan.dns;
        if (!dnsSearch.isEmpty() && dns.isEmpty()) throw new IllegalArgumentException("search domains without DNS servers");
        this.dnsSearch = List.copyOf(dnsSearch);
        this.otherServerAddresses = List.copyOf(otherServerAddresses);
        if (!this.otherServerAddresses.isEmpty() && role != Role.CLIENT) {
            throw new IllegalArgumentException("other server addresses are a client's");
        }
    }

    /**
     * Checks DNS search domains: each a host name of letters, digits and hyphens in dot-separated labels of 1 to 63
     * characters that neither start nor end with a hyphen, 253 characters at most, written without a final dot; each
     * once, whatever its case; at most {@link #MAX_SEARCH_DOMAINS} of them, {@link #MAX_SEARCH_CHARACTERS} together. So nothing else can
     * reach a resolver's configuration through them.
     *
     * @return the domains, unchanged
     * @throws IllegalArgumentException naming the first domain that breaks a rule
     * @since 1.1
     */
    public static List<String> checkSearchDomains(List<String> domains) {
        if (domains.size() > MAX_SEARCH_DOMAINS) {
            throw new IllegalArgumentException("at most " + MAX_SEARCH_DOMAINS + " search domains, not " + domains.size());
        }
        for (String domain : domains) {
            if (domain == null || !DOMAIN.matcher(domain).matches()) {
                throw new IllegalArgumentException("not a search domain (letters, digits and hyphens in labels of 1 to 63 "
                        + "separated by dots, without a final dot): " + printable(domain));
            }
        }
        if (domains.stream().map(domain -> domain.toLowerCase(Locale.ROOT)).distinct().count() < domains.size()) {
            throw new IllegalArgumentException("a search domain is named twice: " + domains);
        }
        if (String.join(" ", domains).length() > MAX_SEARCH_CHARACTERS) {
            throw new IllegalArgumentException("the search domains have more than " + MAX_SEARCH_CHARACTERS
                    + " characters together");
        }
        return domains;
    }

    /** A domain as an error message may show it: control characters escaped, cut to its first 64 characters. */
    private static String printable(String domain) {
        if (domain == null) return "null";
        StringBuilder shown = new StringBuilder("'");
        domain.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) shown.append(String.format("\\x%02x", c));
            else shown.appendCodePoint(c);
        });
        return shown.append(domain.length() > 64 ? "'..." : "'").toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NetworkPlan that && tunnelId.equals(that.tunnelId) && role == that.role
                && tunInterface.equals(that.tunInterface) && Objects.equals(tunnelSubnet, that.tunnelSubnet)
                && Objects.equals(tunnelSubnet6, that.tunnelSubnet6)
                && Objects.equals(egressInterface, that.egressInterface)
                && Objects.equals(serverAddress, that.serverAddress) && routes.equals(that.routes) && dns.equals(that.dns) && dnsSearch.equals(that.dnsSearch)
                && otherServerAddresses.equals(that.otherServerAddresses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tunnelId, role, tunInterface, tunnelSubnet, tunnelSubnet6, egressInterface, serverAddress, routes, dns,
                dnsSearch, otherServerAddresses);
    }

    @Override
    public String toString() {
        return "NetworkPlan[" + tunnelId + " " + role + " " + tunInterface + " subnet=" + tunnelSubnet
                + (tunnelSubnet6 != null ? " subnet6=" + tunnelSubnet6 : "") + " egress="
                + egressInterface + " server=" + serverAddress + " routes=" + routes + " dns=" + dns
                + (dnsSearch.isEmpty() ? "" : " search=" + dnsSearch)
                + (otherServerAddresses.isEmpty() ? "" : " otherServers=" + otherServerAddresses) + "]";
    }
}
