package io.netproxy.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {
    @Test
    void anIpv4AddressOnAnIpv4SocketIsASockaddrIn() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 6767);
        byte[] sockaddr = SocketAddresses.encode(address, SocketCalls.AF_INET);
        assertEquals(SocketAddresses.IPV4_LENGTH, sockaddr.length);
        assertEquals(0x1a, sockaddr[2], "port in network order");
        assertEquals(0x6f, sockaddr[3]);
        assertEquals(address, SocketAddresses.decode(sockaddr));
    }

    @Test
    void anIpv6AddressKeepsItsScope() throws Exception {
        InetSocketAddress address = new InetSocketAddress(
                Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3), 443);
        byte[] sockaddr = SocketAddresses.encode(address, SocketCalls.AF_INET6);
        assertEquals(SocketAddresses.IPV6_LENGTH, sockaddr.length);
        assertEquals(address, SocketAddresses.decode(sockaddr));
    }

    @Test
    void anIpv4AddressOnAnIpv6SocketIsV4MappedAndComesBackAsIpv4() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 1);
        byte[] sockaddr = SocketAddresses.encode(address, SocketCalls.AF_INET6);
        assertEquals(SocketAddresses.IPV6_LENGTH, sockaddr.length);
        assertEquals((byte) 0xff, sockaddr[8 + 10]);
        InetSocketAddress decoded = SocketAddresses.decode(sockaddr);
        assertInstanceOf(Inet4Address.class, decoded.getAddress());
        assertEquals(address, decoded);
    }
}
