package io.netproxy.netconf.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The networks the host reaches without a gateway (routes of the main table with a device and no {@code via}),
 * leaving out loopback and the tunnel's own device: the "local network" a kill switch may leave reachable.
 */
public record ConnectedNetworks(List<String> ipv4, List<String> ipv6) {
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-fA-F:]{2,39}");

    public ConnectedNetworks {
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }

    static ConnectedNetworks of(SystemTools tools, String tunInterface) throws IOException {
        return new ConnectedNetworks(
                parse(tools.run(Tool.IP, "-4", "route", "show", "table", "main"), tunInterface, false),
                parse(tools.run(Tool.IP, "-6", "route", "show", "table", "main"), tunInterface, true));
    }

    /**
     * Reads {@code ip route show} lines such as {@code 198.51.100.0/24 dev eth0 proto kernel scope link src ...} or
     * {@code 2001:db8:1::/64 dev eth0 proto kernel metric 256 pref medium}; a destination without a prefix is a host.
     */
    static List<String> parse(String output, String tunInterface, boolean ipv6) {
        Set<String> networks = new LinkedHashSet<>();
        for (String line : output.split("\n")) {
            List<String> words = Arrays.asList(line.strip().split("\\s+"));
            int dev = words.indexOf("dev");
            if (words.size() < 3 || dev < 1 || dev + 1 >= words.size() || words.contains("via")) continue;
            String device = words.get(dev + 1);
            if (device.equals("lo") || device.equals(tunInterface)) continue;
            String network = ipv6 ? ipv6Network(words.get(0)) : ipv4Network(words.get(0));
            if (network != null) networks.add(network);
        }
        return new ArrayList<>(networks);
    }

    private static String ipv4Network(String destination) {
        String cidr = destination.contains("/") ? destination : destination + "/32";
        try {
            return Ipv4Cidr.parse(cidr, "connected network").toString();
        } catch (IllegalArgumentException e) {
            return null; // "default", "broadcast", "local" and the like
        }
    }

    /** Only literal addresses pass, so that nothing but an address reaches the rules. */
    private static String ipv6Network(String destination) {
        String[] parts = destination.split("/", -1);
        if (parts.length > 2 || !parts[0].contains(":") || !IPV6_TEXT.matcher(parts[0]).matches()) return null;
        if (parts.length == 2 && (!parts[1].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[1]) > 128)) return null;
        try {
            String address = InetAddress.getByName(parts[0]).getHostAddress();
            return address + "/" + (parts.length == 2 ? parts[1] : "128");
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
