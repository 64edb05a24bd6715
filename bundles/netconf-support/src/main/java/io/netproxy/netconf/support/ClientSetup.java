package io.netproxy.netconf.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Client side: a host route that keeps the server reachable through its current gateway, then the tunnel's
 * routes through the TUN device, then the DNS servers the server pushed ({@link SharedDns}). Routes are added, never replaced, so a route of the user's with the same
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
    /** The routing protocol number of netproxy's routes ({@code ip route ... proto 67}); unassigned in rt_protos. */
    static final String PROTOCOL = "67";

    private final SystemTools tools;
    private final SharedDns dns;

    ClientSetup(SystemTools tools, SharedDns dns) {
        this.tools = tools;
        this.dns = dns;
    }

    void apply(ValidatedPlan plan, JournaledPlan applied) throws IOException {
        pinServerRoute(plan, applied);
        for (Ipv4Cidr route : tunnelRoutes(plan.routes())) {
            addRoute(applied, List.of(route.toString(), "dev", plan.tunInterface()), "route ");
        }
        if (!plan.dns().isEmpty()) {
            // after the routes, so that the servers are reached through the tunnel from the first query
            SharedDns.Holding holding = new SharedDns.Holding(plan.tunInterface(),
                    plan.routes().contains(Ipv4Cidr.EVERYTHING), plan.dns());
            applied.hold(dns, holder -> dns.hold(holder, holding));
        }
    }

    /** The full tunnel becomes two half routes, which win over the default route without deleting it. */
    static List<Ipv4Cidr> tunnelRoutes(List<Ipv4Cidr> routes) {
        Set<Ipv4Cidr> expanded = new LinkedHashSet<>();
        for (Ipv4Cidr route : routes) {
            if (route.equals(Ipv4Cidr.EVERYTHING)) {
                expanded.add(LOWER_HALF);
                expanded.add(UPPER_HALF);
            } else {
                expanded.add(route);
            }
        }
        return List.copyOf(expanded);
    }

    /** Without this route the tunnel's own packets to the server would be routed into the tunnel. */
    private void pinServerRoute(ValidatedPlan plan, JournaledPlan applied) throws IOException {
        Ipv4Address server = plan.serverAddress();
        RouteToServer current = RouteOutputParser.parseRouteGet(
                tools.run(Tool.IP, "-4", "route", "get", server.toString()), server);
        if (current.local()) {
            applied.note("no pinned route: the server " + server + " is a local address");
            return;
        }
        if (current.device().equals(plan.tunInterface())) {
            throw new IOException("the route to the server " + server + " already goes through " + plan.tunInterface()
                    + "; remove the routes that send it into the tunnel");
        }
        String host = Ipv4Cidr.host(server).toString();
        if (existingRoutes(host).others()) {
            applied.note("no pinned route: a host route to the server " + server + " exists already");
            return;
        }
        List<String> spec = new ArrayList<>(List.of(host));
        if (!current.via().isEmpty()) {
            spec.add("via");
            spec.addAll(current.via());
        }
        spec.addAll(List.of("dev", current.device()));
        addRoute(applied, spec, "pinned route to the server: ");
    }

    private RouteOutputParser.ExistingRoutes existingRoutes(String destination) throws IOException {
        return RouteOutputParser.existing(tools.run(Tool.IP, "-4", "route", "show", "exact", destination), PROTOCOL);
    }

    private void addRoute(JournaledPlan applied, List<String> destinationAndVia, String label) throws IOException {
        int metric = existingRoutes(destinationAndVia.get(0)).freeMetric();
        List<String> spec = new ArrayList<>(destinationAndVia);
        spec.addAll(List.of("proto", PROTOCOL, "metric", Integer.toString(metric)));
        List<String> add = new ArrayList<>(List.of("route", "add"));
        add.addAll(spec);
        List<String> delete = new ArrayList<>(List.of("route", "del"));
        delete.addAll(spec);
        String route = String.join(" ", destinationAndVia) + (metric > 0 ? " metric " + metric : "");
        applied.make(new UndoStep(Tool.IP, delete, "", "delete route " + route),
                () -> tools.run(Tool.IP, add, ""), label + route);
    }
}
