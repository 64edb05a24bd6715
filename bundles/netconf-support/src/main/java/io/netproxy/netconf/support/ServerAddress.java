package io.netproxy.netconf.support;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client's server address on the underlay, IPv4 or IPv6, parsed from literal text alone (never looked up): exactly
 * one of {@code ipv4} and {@code ipv6} is set, the latter in the full form the JDK writes (2001:db8:0:0:0:0:0:1).
 */
public record ServerAddress(Ipv4Address ipv4, String ipv6) {
    public ServerAddress {
        if ((ipv4 == null) == (ipv6 == null)) throw new IllegalArgumentException("one of IPv4 and IPv6");
    }

    static ServerAddress parse(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " is missing");
        var ipv4 = Ipv4Address.tryParse(text);
        if (ipv4.isPresent()) return new ServerAddress(ipv4.get(), null);
        // hex digits, colons and an embedded dotted quad only: text with a colon is an IPv6 literal to the JDK,
        // which then parses it without any name lookup
        if (text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]{2,45}")) {
            try {
                InetAddress address = InetAddress.getByName(text);
                if (address instanceof Inet6Address) return new ServerAddress(null, address.getHostAddress());
                return new ServerAddress(Ipv4Address.parse(address.getHostAddress(), what), null); // ::ffff:a.b.c.d
            } catch (UnknownHostException malformed) {
                // reported below
            }
        }
        throw new IllegalArgumentException(what + " '" + text + "' is neither an IPv4 address (four numbers 0-255 like"
                + " 192.0.2.1) nor an IPv6 one (like 2001:db8::1)");
    }

    public boolean isIpv6() {
        return ipv6 != null;
    }

    @Override
    public String toString() {
        return isIpv6() ? ipv6 : ipv4.toString();
    }
}
