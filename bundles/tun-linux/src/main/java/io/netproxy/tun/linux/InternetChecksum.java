package io.netproxy.tun.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The RFC 1071 ones' complement checksum of IPv4 headers and of TCP segments, which a device with checksum offload
 * leaves to its reader. Sums are kept unfolded in a long, which cannot overflow for anything an IP packet holds.
 */
final class InternetChecksum {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final boolean NATIVE_IS_BIG = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
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
        int end = off + len;
        int i = off;
        // Eight bytes per load, two sums so that the additions do not wait on each other. The words are read in the
        // host's order: a ones' complement sum of byte-swapped words is the byte-swapped sum (RFC 1071), so one swap
        // at the end makes it right. Two 32-bit halves per long cannot overflow a long for anything an IP packet holds.
        long first = 0;
        long second = 0;
        for (; i + 15 < end; i += 16) {
            long a = (long) LONG.get(buf, i);
            long b = (long) LONG.get(buf, i + 8);
            first += (a >>> 32) + (a & 0xffffffffL);
            second += (b >>> 32) + (b & 0xffffffffL);
        }
        for (; i + 3 < end; i += 4) {
            first += (int) INT.get(buf, i) & 0xffffffffL;
        }
        int swapped = fold(first + second);
        long sum = initial + (NATIVE_IS_BIG ? swapped : ((swapped & 0xff) << 8) | (swapped >>> 8));
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
