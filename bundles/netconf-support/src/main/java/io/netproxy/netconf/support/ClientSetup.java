package io.netproxy.netconf.support;

import io.netproxy.api.NetworkPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Client side: a host route that keeps the server reachable through its current gateway, in a full tunnel a block
 * of IPv6 egress ({@link ClientFirewall#blockIpv6}), then the tunnel's routes through the TUN device, then the DNS
 * servers the server pushed ({@link SharedDns}). Routes are added, never replaced, so a route of the user's with the same
 * destination and metric is never overwritten (and so never deleted on close); a clash fails the plan.
 *
 * <p>netproxy's routes carry the routing protocol number {@value #PROTOCOL}. Where one of them already leads to the
 * destination (another configurator's plan for the same tunnel, during a swap between configurators), the new
 * route takes the next free metric beside it, so the destination is routed without a gap while one plan replaces
 * the other; each plan deletes exactly its own routes, metric included.
 */
final class ClientSetup {
    private static final Ipv4Cidr LOWER_HALF = Ipv4Cidr.parse("0.0.0.0/1", "route");
    private static final Ipv4Cidr UPPER_HALF = Ipv4Cidr.parse("128.0.0.0/1", "route");
    private static final Ipv6Cidr LOWER_HALF6 = Ipv6Cidr.parse("::/1", "route");
    private static final Ipv6Cidr UPPER_HALF6 = Ipv6Cidr.parse("8000::/1", "route");
    /** The first metric of a route, by family: IPv6's is the kernel's default, made explicit (see freeMetric). */
    private static final int FIRST_METRIC = 0;
    private static final int FIRST_METRIC6 = 1024;
    /** The routing protocol number of netproxy's routes ({@code ip route ... proto 67}); unassigned in rt_protos. */
    static final String PROTOCOL = "67";

    /** Where the kernel lists IPv6 addresses; missing when IPv6 is disabled (ipv6.disable=1). */
    private static final Path IPV6_ADDRESSES = Path.of("/proc/net/if_inet6");

    private final SystemTools tools;
    private final SharedDns dns;
    private final ClientFirewall firewall;

    ClientSetup(SystemTools tools, SharedDns dns, ClientFirewall firewall) {
        this.tools = tools;
        this.dns = dns;
        this.firewall = firewall;
    }

    /** A full tunnel carries all of IPv4 and none of IPv6, which must then not leave around it. */
    static boolean blocksIpv6(ValidatedPlan plan) {
        return plan.role() == NetworkPlan.Role.CLIENT && plan.routes().contains(Ipv4Cidr.EVERYTHING);
    }

    void apply(ValidatedPlan plan, JournaledPlan applied) throws IOException {
        pinServerRoute(plan, plan.serverAddress(), applied);
        for (ServerAddress other : plan.otherServerAddresses()) {
            try {
                pinServerRoute(plan, other, applied);
            } catch (IOException e) {
                // the host may have no route of that family now; the client moves there only if one comes
                applied.note("no pinned route to the server's other address " + other + ": " + e.getMessage());
            }
        }
        if (blocksIpv6(plan)) {
            // before the routes, so that no IPv6 slips out while IPv4 already goes through the tunnel
            List<ServerAddress> servers = new ArrayList<>(List.of(plan.serverAddress()));
            servers.addAll(plan.otherServerAddresses());
            if (Files.exists(IPV6_ADDRESSES)) firewall.blockIpv6(plan.tunnelId(), plan.tunInterface(), servers, applied);
            else applied.note("no IPv6 block: IPv6 is disabled on this host");
        }
        for (Ipv4Cidr route : tunnelRoutes(plan.routes())) {
            addRoute(applied, "-4", List.of(route.toString(), "dev", plan.tunInterface()), existingRoutes("-4",
                    route.toString()), "route ");
        }
        for (Ipv6Cidr route : tunnelRoutes6(plan.routes6())) {
            addRoute(applied, "-6", List.of(route.toString(), "dev", plan.tunInterface()), existingRoutes("-6",
                    route.toString()), "IPv6 route ");
        }
        if (!plan.dns().isEmpty()) {
            // after the routes, so that the servers are reached through the tunnel from the first query
            SharedDns.Holding holding = new SharedDns.Holding(plan.tunInterface(),
                    plan.routes().contains(Ipv4Cidr.EVERYTHING), plan.dns(), plan.dnsSearch());
            applied.hold(dns, holder -> dns.hold(holder, holding));
        }
    }

    /** The full tunnel becomes two half routes, which win over the default route without deleting it. */
    static List<Ipv4Cidr> tunnelRoutes(List<Ipv4Cidr> routes) {
        return inHalves(routes, Ipv4Cidr.EVERYTHING, LOWER_HALF, UPPER_HALF);
    }

    /** All of IPv6 becomes two half routes too, beside the host's own default route. */
    static List<Ipv6Cidr> tunnelRoutes6(List<Ipv6Cidr> routes) {
        return inHalves(routes, Ipv6Cidr.EVERYTHING, LOWER_HALF6, UPPER_HALF6);
    }

    private static <T> List<T> inHalves(List<T> routes, T everything, T lowerHalf, T upperHalf) {
        Set<T> expanded = new LinkedHashSet<>();
        for (T route : routes) {
            if (route.equals(everything)) {
                expanded.add(lowerHalf);
                expanded.add(upperHalf);
            } else {
                expanded.add(route);
            }
        }
        return List.copyOf(expanded);
    }

    /**
     * Without this route the tunnel's own packets to the server would be routed into the tunnel. A server reached over
     * IPv6 needs one only when the tunnel routes IPv6 as well.
     */
    private void pinServerRoute(ValidatedPlan plan, ServerAddress server, JournaledPlan applied) throws IOException {
        if (server.isIpv6() && plan.routes6().isEmpty()) {
            applied.note("no pinned route: the server " + server + " is reached over IPv6, which the tunnel"
                    + " does not route");
            return;
        }
        String family = server.isIpv6() ? "-6" : "-4";
        RouteToServer current = RouteOutputParser.parseRouteGet(
                tools.run(Tool.IP, family, "route", "get", server.toString()), server.toString());
        if (current.local()) {
            applied.note("no pinned route: the server " + server + " is a local address");
            return;
        }
        if (current.device().equals(plan.tunInterface())) {
            throw new IOException("the route to the server " + server + " already goes through " + plan.tunInterface()
                    + "; remove the routes that send it into the tunnel");
        }
        String host = server.isIpv6() ? server + "/128" : Ipv4Cidr.host(server.ipv4()).toString();
        RouteOutputParser.ExistingRoutes existing = existingRoutes(family, host);
        if (existing.others()) {
            applied.note("no pinned route: a host route to the server " + server + " exists already");
            return;
        }
        List<String> spec = new ArrayList<>(List.of(host));
        if (!current.via().isEmpty()) {
            spec.add("via");
            spec.addAll(current.via());
        }
        spec.addAll(List.of("dev", current.device()));
        addRoute(applied, family, spec, existing, "pinned route to the server: ");
    }

    /** @param family {@code -4} or {@code -6} */
    private RouteOutputParser.ExistingRoutes existingRoutes(String family, String destination) throws IOException {
        return RouteOutputParser.existing(tools.run(Tool.IP, family, "route", "show", "exact", destination), PROTOCOL);
    }

    /** @param existing the routes to the destination there are already (each {@code ip} run delays a connect) */
    private void addRoute(JournaledPlan applied, String family, List<String> destinationAndVia,
                          RouteOutputParser.ExistingRoutes existing, String label) throws IOException {
        int first = family.equals("-6") ? FIRST_METRIC6 : FIRST_METRIC;
        int metric = existing.freeMetric(first);
        List<String> spec = new ArrayList<>(destinationAndVia);
        spec.addAll(List.of("proto", PROTOCOL, "metric", Integer.toString(metric)));
        // ip takes the family from the destination; only "show" needs it
        List<String> add = new ArrayList<>(List.of("route", "add"));
        add.addAll(spec);
        List<String> delete = new ArrayList<>(List.of("route", "del"));
        delete.addAll(spec);
        String route = String.join(" ", destinationAndVia) + (metric > first ? " metric " + metric : "");
        applied.make(new UndoStep(Tool.IP, delete, "", "delete route " + route),
                () -> tools.run(Tool.IP, add, ""), label + route);
    }
}
