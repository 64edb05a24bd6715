package io.netproxy.tun.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The RFC 1071 ones' complement checksum of IPv4 headers and of TCP segments, which a device with checksum offload
 * leaves to its reader. Sums are kept unfolded in a long, which cannot overflow for anything an IP packet holds.
 */
final class InternetChecksum {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final int IPV4_SOURCE = 12;
    private static final int IPV6_SOURCE = 8;

    private InternetChecksum() {
    }

    /** The checksum of {@code buf[off .. off+len)}; over data that holds a correct checksum it is 0. */
    static int of(byte[] buf, int off, int len) {
        return complement(sum(buf, off, len, 0));
    }

    /** {@code initial} plus the 16-bit words of {@code buf[off .. off+len)}, an odd last byte padded with zero. */
    static long sum(byte[] buf, int off, int len, long initial) {
        long sum = initial;
        int end = off + len;
        int i = off;
        // 32-bit words add up to the same folded sum as their 16-bit halves (2^16 is 1 modulo 2^16 - 1)
        for (; i + 3 < end; i += 4) {
            sum += (int) INT.get(buf, i) & 0xffffffffL;
        }
        for (; i + 1 < end; i += 2) {
            sum += ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (buf[i] & 0xff) << 8;
        }
        return sum;
    }

    /**
     * The sum of the TCP/UDP pseudo-header of the IP packet at {@code packet}: its addresses, the protocol and the
     * transport length.
     */
    static long pseudoHeader(byte[] buf, int packet, boolean ipv6, int protocol, int transportLength) {
        int addresses = ipv6 ? 32 : 8;
        return sum(buf, packet + (ipv6 ? IPV6_SOURCE : IPV4_SOURCE), addresses, protocol + transportLength);
    }

    /** The sum folded into 16 bits, not complemented: what a partial checksum field holds. */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field's value for this sum. */
    static int complement(long sum) {
        return ~fold(sum) & 0xffff;
    }
}
