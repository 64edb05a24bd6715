package io.netproxy.engine.tunnel;

import java.util.Random;

/** Valid IPv4/UDP and IPv6/UDP packets for feeding fake TUN devices. */
final class Packets {
    private Packets() {}

    /** An IPv4 packet (header checksum set) carrying a UDP datagram (checksum 0, allowed over IPv4). */
    static byte[] udp(String source, String destination, int sourcePort, int destinationPort, byte[] payload) {
        int total = 20 + 8 + payload.length;
        byte[] p = new byte[total];
        p[0] = 0x45;
        p[2] = (byte) (total >>> 8);
        p[3] = (byte) total;
        p[4] = 0x12;
        p[5] = 0x34;
        p[6] = 0x40; // don't fragment
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(Ipv4.bytes(Ipv4.parse(source)), 0, p, 12, 4);
        System.arraycopy(Ipv4.bytes(Ipv4.parse(destination)), 0, p, 16, 4);
        int checksum = checksum(p, 0, 20);
        p[10] = (byte) (checksum >>> 8);
        p[11] = (byte) checksum;
        p[20] = (byte) (sourcePort >>> 8);
        p[21] = (byte) sourcePort;
        p[22] = (byte) (destinationPort >>> 8);
        p[23] = (byte) destinationPort;
        p[24] = (byte) ((8 + payload.length) >>> 8);
        p[25] = (byte) (8 + payload.length);
        System.arraycopy(payload, 0, p, 28, payload.length);
        return p;
    }

    static byte[] udp(String source, String destination, byte[] payload) {
        return udp(source, destination, 40_000, 53, payload);
    }

    static byte[] udp(String source, String destination, String text) {
        return udp(source, destination, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** An IPv6 packet carrying a UDP datagram (its checksum left 0: nothing on the way checks it). */
    static byte[] udp6(String source, String destination, String text) {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int udpLength = 8 + payload.length;
        byte[] p = new byte[40 + udpLength];
        p[0] = 0x60;
        p[4] = (byte) (udpLength >>> 8);
        p[5] = (byte) udpLength;
        p[6] = 17;
        p[7] = 64;
        System.arraycopy(Ipv6.parse(source), 0, p, 8, 16);
        System.arraycopy(Ipv6.parse(destination), 0, p, 24, 16);
        p[40] = (byte) (40_000 >>> 8);
        p[41] = (byte) 40_000;
        p[43] = 53;
        p[44] = (byte) (udpLength >>> 8);
        p[45] = (byte) udpLength;
        System.arraycopy(payload, 0, p, 48, payload.length);
        return p;
    }

    static byte[] randomPayload(Random random, int length) {
        byte[] payload = new byte[length];
        random.nextBytes(payload);
        return payload;
    }

    /** The internet checksum (RFC 1071). */
    static int checksum(byte[] buf, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += (buf[off + i] & 0xFF) << 8 | buf[off + i + 1] & 0xFF;
        if ((len & 1) != 0) sum += (buf[off + len - 1] & 0xFF) << 8;
        while (sum >>> 16 != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) ~sum & 0xFFFF;
    }
}
