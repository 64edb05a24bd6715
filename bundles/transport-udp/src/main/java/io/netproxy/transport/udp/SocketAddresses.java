package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.SocketCalls.AF_INET;
import static io.netproxy.transport.udp.SocketCalls.AF_INET6;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct sockaddr_in and sockaddr_in6 as Linux lays them out: the family (and the IPv6 scope id) in host order,
 * port and address in network order. An IPv6 socket reaches IPv4 peers by v4-mapped addresses (::ffff:a.b.c.d),
 * which decode to {@link Inet4Address}, as the JDK's dual-stack sockets report them.
 */
final class SocketAddresses {
    static final int IPV4_LENGTH = 16;
    static final int IPV6_LENGTH = 28;
    /** Room for either, kept 8-byte aligned. */
    static final int ROOM = 32;

    private static final int PORT = 2;
    private static final int IPV4_ADDRESS = 4;
    private static final int IPV6_ADDRESS = 8;
    private static final int IPV6_SCOPE_ID = 24;

    private SocketAddresses() {
    }

    static int family(InetAddress address) {
        return address instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /**
     * The sockaddr for {@code address} on a socket of {@code family}. An IPv6 address for an IPv4 socket is encoded
     * as is and refused by the kernel (EAFNOSUPPORT), for that datagram alone.
     */
    static byte[] encode(InetSocketAddress address, int family) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        InetAddress ip = address.getAddress();
        boolean ipv4 = family == AF_INET && ip instanceof Inet4Address;
        ByteBuffer sockaddr = ByteBuffer.allocate(ipv4 ? IPV4_LENGTH : IPV6_LENGTH).order(ByteOrder.nativeOrder());
        sockaddr.putShort(0, (short) (ipv4 ? AF_INET : AF_INET6));
        sockaddr.put(PORT, (byte) (address.getPort() >>> 8)).put(PORT + 1, (byte) address.getPort());
        if (ipv4) {
            sockaddr.put(IPV4_ADDRESS, ip.getAddress());
        } else if (ip instanceof Inet6Address ipv6) {
            sockaddr.put(IPV6_ADDRESS, ipv6.getAddress()).putInt(IPV6_SCOPE_ID, ipv6.getScopeId());
        } else {
            sockaddr.put(IPV6_ADDRESS + 10, (byte) 0xff).put(IPV6_ADDRESS + 11, (byte) 0xff)
                    .put(IPV6_ADDRESS + 12, ip.getAddress());
        }
        return sockaddr.array();
    }

    /** The address of the sockaddr at {@code at} in {@code memory}, a buffer in host byte order. */
    static InetSocketAddress decode(ByteBuffer memory, int at) {
        int family = memory.getShort(at);
        int port = (memory.get(at + PORT) & 0xff) << 8 | memory.get(at + PORT + 1) & 0xff;
        try {
            if (family == AF_INET) {
                byte[] ip = new byte[4];
                memory.get(at + IPV4_ADDRESS, ip);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == AF_INET6) {
                byte[] ip = new byte[16];
                memory.get(at + IPV6_ADDRESS, ip);
                int scopeId = memory.getInt(at + IPV6_SCOPE_ID);
                // getByAddress turns a v4-mapped address into an Inet4Address; a scope only exists on IPv6 proper
                InetAddress address = scopeId == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scopeId);
                return new InetSocketAddress(address, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
        throw new IllegalArgumentException("not an IPv4 or IPv6 socket address: family " + family);
    }

    static InetSocketAddress decode(byte[] sockaddr) {
        return decode(ByteBuffer.wrap(sockaddr).order(ByteOrder.nativeOrder()), 0);
    }
}
