package io.netproxy.netconf.support;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv6 network in CIDR notation, parsed from literal text alone (never looked up); host bits are cleared, as the
 * kernel would do for a route, and the network is written as RFC 5952 says ({@code 2001:db8::}).
 */
public record Ipv6Cidr(String network, int prefixLength) {
    static final Ipv6Cidr EVERYTHING = parse("::/0", "route");

    public static Ipv6Cidr parse(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " is missing");
        int slash = text.indexOf('/');
        String prefix = slash < 0 ? "" : text.substring(slash + 1);
        if (!prefix.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(prefix) > 128) {
            throw new IllegalArgumentException(what + " '" + text + "' has no valid prefix length (expected CIDR like"
                    + " 2001:db8::/64, prefix length 0 to 128)");
        }
        byte[] bytes = literal(text.substring(0, slash)).orElseThrow(() -> new IllegalArgumentException(what + " '" + text
                + "' does not start with an IPv6 address (like 2001:db8::/64)"));
        int length = Integer.parseInt(prefix);
        for (int bit = length; bit < 128; bit++) bytes[bit / 8] &= (byte) ~(0x80 >>> bit % 8);
        try {
            return new Ipv6Cidr(compressed(InetAddress.getByAddress(bytes).getHostAddress()), length);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** The 16 bytes of an IPv6 literal (not an IPv4-mapped one), or empty. */
    private static java.util.Optional<byte[]> literal(String text) {
        // hex digits, colons and an embedded dotted quad only: the JDK then parses it without any name lookup
        if (text.indexOf(':') < 0 || !text.matches("[0-9A-Fa-f:.]{2,45}")) return java.util.Optional.empty();
        try {
            InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address ? java.util.Optional.of(address.getAddress()) : java.util.Optional.empty();
        } catch (UnknownHostException malformed) {
            return java.util.Optional.empty();
        }
    }

    /** The JDK's {@code x:x:x:x:x:x:x:x} with its longest run of two or more zero groups (the first of equals) as "::". */
    private static String compressed(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int end = i;
            while (end < groups.length && groups[end].equals("0")) end++;
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = end == i ? i + 1 : end;
        }
        if (bestStart < 0) return full;
        return String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
