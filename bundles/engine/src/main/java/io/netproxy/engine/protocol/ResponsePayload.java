package io.netproxy.engine.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * What the server pushes to the client in the handshake response.
 *
 * @param cipherWireId the data suite the responder chose among those offered
 * @param clientAddress the client's tunnel IPv4 address, 4 bytes
 * @param prefixLength the tunnel subnet's prefix length, 0..32
 * @param serverTunnelAddress the server's tunnel IPv4 address, 4 bytes
 * @param mtu tunnel MTU, {@value #MIN_MTU}..65535
 * @param keepaliveSeconds keepalive interval the client should use, 0..65535 (0 turns keepalives off)
 * @param routes up to {@value #MAX_ROUTES} prefixes to route through the tunnel
 * @param dns up to {@value #MAX_DNS} IPv4 DNS servers, 4 bytes each
 */
public record ResponsePayload(int cipherWireId, byte[] clientAddress, int prefixLength, byte[] serverTunnelAddress,
                              int mtu, int keepaliveSeconds, List<Route> routes, List<byte[]> dns) {
    public static final int MAX_ROUTES = 16;
    public static final int MAX_DNS = 4;
    /** The smallest MTU every IPv4 link must support (RFC 791). */
    public static final int MIN_MTU = 68;

    public ResponsePayload {
        requireRange("cipher wire id", cipherWireId, 1, 255);
        clientAddress = ipv4(clientAddress);
        requireRange("prefix length", prefixLength, 0, 32);
        serverTunnelAddress = ipv4(serverTunnelAddress);
        requireRange("MTU", mtu, MIN_MTU, 0xFFFF);
        requireRange("keepalive", keepaliveSeconds, 0, 0xFFFF);
        routes = List.copyOf(routes);
        requireRange("route count", routes.size(), 0, MAX_ROUTES);
        requireRange("DNS server count", dns.size(), 0, MAX_DNS);
        dns = dns.stream().map(ResponsePayload::ipv4).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResponsePayload that
                && cipherWireId == that.cipherWireId
                && Arrays.equals(clientAddress, that.clientAddress)
                && prefixLength == that.prefixLength
                && Arrays.equals(serverTunnelAddress, that.serverTunnelAddress)
                && mtu == that.mtu
                && keepaliveSeconds == that.keepaliveSeconds
                && routes.equals(that.routes)
                && dnsEquals(dns, that.dns);
    }

    @Override
    public int hashCode() {
        int result = cipherWireId;
        result = 31 * result + Arrays.hashCode(clientAddress);
        result = 31 * result + prefixLength;
        result = 31 * result + Arrays.hashCode(serverTunnelAddress);
        result = 31 * result + mtu;
        result = 31 * result + keepaliveSeconds;
        result = 31 * result + routes.hashCode();
        for (byte[] server : dns) {
            result = 31 * result + Arrays.hashCode(server);
        }
        return result;
    }

    @Override
    public String toString() {
        return "ResponsePayload[cipher=" + cipherWireId + ", client=" + format(clientAddress) + "/" + prefixLength
                + ", server=" + format(serverTunnelAddress) + ", mtu=" + mtu + ", keepalive=" + keepaliveSeconds
                + "s, routes=" + routes + ", dns=" + dns.stream().map(ResponsePayload::format).toList() + "]";
    }

    static String format(byte[] ipv4) {
        return (ipv4[0] & 0xFF) + "." + (ipv4[1] & 0xFF) + "." + (ipv4[2] & 0xFF) + "." + (ipv4[3] & 0xFF);
    }

    private static boolean dnsEquals(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ipv4(byte[] address) {
        if (address == null || address.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes");
        }
        return address.clone();
    }

    private static void requireRange(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
