package io.netproxy.netconf.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/** Reads the output of {@code ip route get} (IPv4 and IPv6), {@code ip route show exact} and {@code ip -4 route show default}. */
final class RouteOutputParser {
    private RouteOutputParser() {
    }

    /** The route types {@code ip route get} prints before the address; a unicast route starts with the address. */
    private static final Set<String> ROUTE_TYPES = Set.of("local", "broadcast", "anycast",
            "multicast", "unreachable", "prohibit", "blackhole", "throw", "nat");

    /**
     * Parses lines like {@code 198.51.100.7 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0} (through a gateway),
     * {@code 192.0.2.1 dev eth0 src 192.0.2.2 uid 0} (on-link), {@code local 127.0.0.1 dev lo ...} or their IPv6
     * kind ({@code 2001:db8::10 from :: via fe80::1 dev eth0 proto ra src 2001:db8::2 metric 100 pref medium}).
     */
    static RouteToServer parseRouteGet(String output, String server) throws IOException {
        String firstLine = output.strip().lines().findFirst().orElse("");
        List<String> words = words(firstLine);
        if (words.isEmpty()) throw new IOException("ip route get " + server + " printed nothing");
        String type = ROUTE_TYPES.contains(words.get(0)) ? words.get(0) : "unicast";
        String device = NetworkNames.requireInterface(valueAfter(words, "dev")
                .orElseThrow(() -> new IOException("no device in the route to " + server + ": " + firstLine)),
                "interface of the route to the server");
        if (type.equals("local")) return new RouteToServer(true, List.of(), device);
        if (!type.equals("unicast")) {
            throw new IOException("the server address " + server + " is not reachable by unicast: " + firstLine);
        }
        return new RouteToServer(false, gateway(words, firstLine), device);
    }

    /** The {@code dev} of the first default route, including a multipath route's first next hop. */
    static Optional<String> defaultRouteDevice(String output) {
        List<String> firstRoute = new ArrayList<>();
        for (String line : output.lines().toList()) {
            boolean continuation = !line.isEmpty() && Character.isWhitespace(line.charAt(0));
            if (!continuation && !firstRoute.isEmpty()) break;
            if (continuation && firstRoute.isEmpty()) continue;
            firstRoute.addAll(words(line));
        }
        return valueAfter(firstRoute, "dev");
    }

    private static List<String> gateway(List<String> words, String line) throws IOException {
        int via = words.indexOf("via");
        if (via < 0) return List.of();
        List<String> gateway = new ArrayList<>();
        int next = via + 1;
        if (next < words.size() && (words.get(next).equals("inet") || words.get(next).equals("inet6"))) {
            gateway.add(words.get(next++));
        }
        if (next >= words.size() || !words.get(next).matches("[0-9A-Fa-f:.]+")) {
            throw new IOException("cannot read the gateway in: " + line);
        }
        gateway.add(words.get(next));
        return gateway;
    }

    /**
     * The metrics of netproxy's routes in {@code ip -4 route show exact DESTINATION} output (those of protocol
     * {@code protocol}), and whether routes of others are among them.
     */
    static ExistingRoutes existing(String output, String protocol) {
        List<Integer> ours = new java.util.ArrayList<>();
        boolean others = false;
        for (String line : output.split("\n")) {
            List<String> words = words(line);
            if (words.isEmpty()) continue;
            if (!valueAfter(words, "proto").orElse("").equals(protocol)) {
                others = true;
                continue;
            }
            try {
                ours.add(valueAfter(words, "metric").map(RouteOutputParser::metric).orElse(0));
            } catch (NumberFormatException e) {
                others = true;
            }
        }
        return new ExistingRoutes(List.copyOf(ours), others);
    }

    /** Routes to one destination: the metrics of netproxy's, and whether there are others. */
    record ExistingRoutes(List<Integer> netproxyMetrics, boolean others) {
        /**
         * A metric none of netproxy's routes there has: {@code first} when there are none, else one above the highest.
         * IPv6 starts at 1024, the metric the kernel gives a route added with 0, so that every metric is explicit and
         * each plan deletes exactly its own route (for IPv6, deleting with metric 0 would take any).
         */
        int freeMetric(int first) {
            int highest = netproxyMetrics.stream().mapToInt(Integer::intValue).max().orElse(first - 1);
            if (highest < Integer.MAX_VALUE) return highest + 1;
            return IntStream.rangeClosed(0, Integer.MAX_VALUE).filter(m -> !netproxyMetrics.contains(m)).findFirst().orElseThrow();
        }
    }

    /** A metric as ip prints it, 0 to 2^32-1; one beyond an int (netproxy writes small ones) or signed is not ours. */
    private static int metric(String text) {
        if (!text.matches("[0-9]{1,10}")) throw new NumberFormatException("not a metric: " + text);
        return Integer.parseInt(text);
    }

    private static Optional<String> valueAfter(List<String> words, String key) {
        int index = words.indexOf(key);
        return index >= 0 && index + 1 < words.size() ? Optional.of(words.get(index + 1)) : Optional.empty();
    }

    private static List<String> words(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
    }
}
