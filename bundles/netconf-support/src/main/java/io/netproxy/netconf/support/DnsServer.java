package io.netproxy.netconf.support;

/**
 * A DNS server's address, IPv4 or IPv6, parsed from literal text alone (never looked up) and kept as a resolver file
 * and resolvectl take it: dotted quad, or IPv6 as RFC 5952 writes it ({@code 2001:db8::53}).
 */
public record DnsServer(String address) {

    static DnsServer parse(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " is missing");
        var ipv4 = Ipv4Address.tryParse(text);
        if (ipv4.isPresent()) return new DnsServer(ipv4.get().toString());
        if (text.indexOf(':') >= 0 && text.indexOf('/') < 0) {
            try {
                return new DnsServer(Ipv6Cidr.parse(text + "/128", what).network());
            } catch (IllegalArgumentException notIpv6) {
                // reported below, in terms of an address rather than a network
            }
        }
        throw new IllegalArgumentException(what + " '" + text + "' is neither an IPv4 address (four numbers 0-255 like"
                + " 192.0.2.53) nor an IPv6 one (like 2001:db8::53)");
    }

    @Override
    public String toString() {
        return address;
    }
}
