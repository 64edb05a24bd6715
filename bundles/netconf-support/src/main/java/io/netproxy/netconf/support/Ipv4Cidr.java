package io.netproxy.netconf.support;

/** An IPv4 network in CIDR notation; host bits are cleared, as the kernel would do for a route. */
public record Ipv4Cidr(Ipv4Address network, int prefixLength) {
    static final Ipv4Cidr EVERYTHING = new Ipv4Cidr(new Ipv4Address(0), 0);

    public Ipv4Cidr {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        network = new Ipv4Address(network.bits() & mask);
    }

    public static Ipv4Cidr parse(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " is missing");
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(what + " '" + text + "' has no prefix length (expected CIDR like 10.8.0.0/24)");
        }
        Ipv4Address address = Ipv4Address.tryParse(text.substring(0, slash)).orElseThrow(() -> new IllegalArgumentException(
                what + " '" + text + "' does not start with an IPv4 address (expected four numbers 0-255 like 10.8.0.0/24)"));
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("0|[1-9][0-9]?") || Integer.parseInt(prefix) > 32) {
            throw new IllegalArgumentException(what + " '" + text + "' has an invalid prefix length (expected 0 to 32)");
        }
        return new Ipv4Cidr(address, Integer.parseInt(prefix));
    }

    static Ipv4Cidr host(Ipv4Address address) {
        return new Ipv4Cidr(address, 32);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
