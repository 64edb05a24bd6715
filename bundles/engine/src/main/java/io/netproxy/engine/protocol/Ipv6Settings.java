package io.netproxy.engine.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * A responder's IPv6 settings for its initiator (PROTOCOL.md 7.1, control type 4): the initiator's tunnel address and
 * prefix length, the responder's tunnel address, the IPv6 networks to route through the tunnel and the IPv6 DNS
 * servers to use.
 *
 * @param clientAddress 16 bytes
 * @param prefixLength the tunnel prefix's length, 1..128
 * @param serverAddress 16 bytes
 * @param routes up to {@value #MAX_ROUTES} networks ({@code ::/0} for all of IPv6)
 * @param dns up to {@value #MAX_DNS} addresses of 16 bytes
 */
public record Ipv6Settings(byte[] clientAddress, int prefixLength, byte[] serverAddress, List<Network> routes,
                           List<byte[]> dns) {
    public static final int MAX_ROUTES = 8;
    public static final int MAX_DNS = 4;

    public Ipv6Settings {
        clientAddress = sixteenBytes(clientAddress);
        if (prefixLength < 1 || prefixLength > 128) throw new IllegalArgumentException("prefix length 1..128: " + prefixLength);
        serverAddress = sixteenBytes(serverAddress);
        routes = List.copyOf(routes);
        if (routes.size() > MAX_ROUTES) throw new IllegalArgumentException("at most " + MAX_ROUTES + " IPv6 routes");
        dns = dns.stream().map(Ipv6Settings::sixteenBytes).toList();
        if (dns.size() > MAX_DNS) throw new IllegalArgumentException("at most " + MAX_DNS + " IPv6 DNS servers");
        for (byte[] server : dns) {
            if (!unicast(server)) {
                throw new IllegalArgumentException("the IPv6 DNS server " + format(server) + " is not a unicast address"
                        + " a resolver can use (not ::, multicast, link-local or IPv4-mapped)");
            }
        }
    }

    /** Settings without DNS servers. */
    public Ipv6Settings(byte[] clientAddress, int prefixLength, byte[] serverAddress, List<Network> routes) {
        this(clientAddress, prefixLength, serverAddress, routes, List.of());
    }

    /** The same settings without DNS servers, for a client that keeps the host's. */
    public Ipv6Settings withoutDns() {
        return new Ipv6Settings(clientAddress, prefixLength, serverAddress, routes);
    }

    /** Whether an address lies in the tunnel's IPv6 network (that of {@link #clientCidr()}). */
    public boolean inTunnelNetwork(byte[] address) {
        return samePrefix(clientAddress, address, prefixLength);
    }

    /** A copy of each DNS server's address. */
    @Override
    public List<byte[]> dns() {
        return dns.stream().map(byte[]::clone).toList();
    }

    /** An IPv6 network: 16 bytes with the host bits cleared, and a prefix length 0..128. */
    public record Network(byte[] address, int prefixLength) {
        public static final Network EVERYTHING = new Network(new byte[16], 0);

        public Network {
            address = sixteenBytes(address);
            if (prefixLength < 0 || prefixLength > 128) throw new IllegalArgumentException("prefix length 0..128: " + prefixLength);
            for (int bit = prefixLength; bit < 128; bit++) {
                if ((address[bit / 8] & 0x80 >>> bit % 8) != 0) {
                    throw new IllegalArgumentException("host bits set in the network " + format(address) + "/" + prefixLength);
                }
            }
        }

        /** Whether {@code address} (16 bytes) lies in this network. */
        public boolean contains(byte[] address) {
            return samePrefix(this.address, address, prefixLength);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Network that && prefixLength == that.prefixLength && Arrays.equals(address, that.address);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(address) + prefixLength;
        }

        @Override
        public String toString() {
            return format(address) + "/" + prefixLength;
        }
    }

    /** The client's address in CIDR notation, as a TUN device takes it. */
    public String clientCidr() {
        return format(clientAddress) + "/" + prefixLength;
    }

    /** The DNS servers as RFC 5952 text. */
    public List<String> dnsText() {
        return dns.stream().map(Ipv6Settings::format).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ipv6Settings that && prefixLength == that.prefixLength
                && Arrays.equals(clientAddress, that.clientAddress) && Arrays.equals(serverAddress, that.serverAddress)
                && routes.equals(that.routes) && dnsText().equals(that.dnsText());
    }

    @Override
    public int hashCode() {
        return (((31 * Arrays.hashCode(clientAddress) + prefixLength) * 31 + Arrays.hashCode(serverAddress)) * 31
                + routes.hashCode()) * 31 + dnsText().hashCode();
    }

    @Override
    public String toString() {
        return "Ipv6Settings[client=" + clientCidr() + ", server=" + format(serverAddress) + ", routes=" + routes
                + (dns.isEmpty() ? "" : ", dns=" + dnsText()) + "]";
    }

    /** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as {@code ::}. */
    public static String format(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = (address[2 * i] & 0xFF) << 8 | address[2 * i + 1] & 0xFF;
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') text.append(':');
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int bit = 0; bit < bits; bit++) {
            int mask = 0x80 >>> bit % 8;
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
        }
        return true;
    }

    /** Not {@code ::}, multicast ({@code ff00::/8}), link-local ({@code fe80::/10}) or IPv4-mapped ({@code ::ffff:0:0/96}). */
    private static boolean unicast(byte[] address) {
        boolean unspecified = Arrays.equals(address, new byte[16]);
        boolean multicast = (address[0] & 0xFF) == 0xFF;
        boolean linkLocal = (address[0] & 0xFF) == 0xFE && (address[1] & 0xC0) == 0x80;
        boolean mapped = Arrays.equals(Arrays.copyOf(address, 12), new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1});
        return !unspecified && !multicast && !linkLocal && !mapped;
    }

    private static byte[] sixteenBytes(byte[] address) {
        if (address == null || address.length != 16) throw new IllegalArgumentException("an IPv6 address has 16 bytes");
        return address.clone();
    }
}
