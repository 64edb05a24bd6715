package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Ipv4Test {
    @Test
    void parsesAndFormats() {
        assertEquals("192.0.2.55", Ipv4.format(Ipv4.parse("192.0.2.55")));
        assertEquals("255.255.255.255", Ipv4.format(Ipv4.parse("255.255.255.255")));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.parse("1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.parse("1.2.3.-4"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.parse("1.2.3.4.5"));
    }

    @Test
    void cidrNormalisesToTheNetwork() {
        Ipv4.Cidr cidr = Ipv4.Cidr.parse("10.67.0.9/24");
        assertEquals("10.67.0.0/24", cidr.toString());
        assertEquals(256, cidr.size());
        assertEquals("0.0.0.0/0", Ipv4.Cidr.parse("1.2.3.4/0").toString());
        assertThrows(IllegalArgumentException.class, () -> Ipv4.Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.Cidr.parse("10.0.0.0"));
    }

    @Test
    void packetLengthAcceptsOnlyWholeIpv4Packets() {
        byte[] packet = new byte[40];
        packet[0] = 0x45;
        packet[3] = 40;
        assertEquals(40, Ipv4.packetLength(packet, 0, 40));
        assertEquals(-1, Ipv4.packetLength(packet, 0, 39), "truncated");
        packet[0] = 0x60;
        assertEquals(-1, Ipv4.packetLength(packet, 0, 40), "IPv6");
        packet[0] = 0x44;
        assertEquals(-1, Ipv4.packetLength(packet, 0, 40), "header shorter than 20 bytes");
        assertEquals(-1, Ipv4.packetLength(packet, 0, 10), "shorter than a header");
    }
}
