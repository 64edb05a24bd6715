package io.netproxy.tun.linux;

import static io.netproxy.tun.linux.TcpSegmenter.TCP_CHECKSUM;
import static io.netproxy.tun.linux.TcpSegmenter.readInt;
import static io.netproxy.tun.linux.TcpSegmenter.readShort;
import static io.netproxy.tun.linux.TcpSegmenter.writeShort;

import java.util.Arrays;

/**
 * Merges TCP segments of one flow that follow each other in what is written to a device with segmentation offload
 * into one super-packet, which the kernel takes in one write and passes up its stack once (what GRO does for a
 * network card; the rules are the kernel's and wireguard-go's). Only neighbours merge, so packets keep their order.
 * A segment merges when it continues the flow's byte stream with the same addresses, ports, acknowledgement, options
 * and IP header fields, carries only ACK (and PSH to end the merge), and its checksum is right: a merged packet gets
 * its checksum from the kernel, which must not make a corrupt segment look whole.
 */
final class TcpCoalescer {
    private static final int MAX_PACKET = 65_535;
    private static final int IP_HEADER = 20;
    private static final int TCP = 6;
    private static final int TCP_FLAGS = 13;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final byte[] merged = new byte[MAX_PACKET];
    private int length;
    private int tcpHeaderLength;
    private int gsoSize;
    private int segments;
    private long nextSequence;
    /** A shorter segment or one with PSH was merged last: nothing may follow it. */
    private boolean closed;

    /** Segments in the packet being merged; 0 when there is none. */
    int segments() {
        return segments;
    }

    /** The packet being merged: {@code packet()[0 .. length())}. */
    byte[] packet() {
        return merged;
    }

    int length() {
        return length;
    }

    /** Starts a merge with this packet when it can be part of one; false leaves it to be written as it is. */
    boolean begin(byte[] buf, int off, int len) {
        int tcpHeader = mergeableTcpHeaderLength(buf, off, len);
        if (tcpHeader < 0) {
            return false;
        }
        System.arraycopy(buf, off, merged, 0, len);
        length = len;
        tcpHeaderLength = tcpHeader;
        gsoSize = len - IP_HEADER - tcpHeader;
        segments = 1;
        nextSequence = (readInt(buf, off + IP_HEADER + 4) + gsoSize) & 0xffffffffL;
        closed = (buf[off + IP_HEADER + TCP_FLAGS] & PSH) != 0;
        return true;
    }

    /** Appends the packet's payload to the merge when it continues it; false leaves the merge as it was. */
    boolean append(byte[] buf, int off, int len) {
        if (segments == 0 || closed || mergeableTcpHeaderLength(buf, off, len) != tcpHeaderLength) {
            return false;
        }
        int payload = len - IP_HEADER - tcpHeaderLength;
        if (payload > gsoSize || length + payload > MAX_PACKET || readInt(buf, off + IP_HEADER + 4) != nextSequence
                || !sameFlow(buf, off)) {
            return false;
        }
        System.arraycopy(buf, off + IP_HEADER + tcpHeaderLength, merged, length, payload);
        length += payload;
        segments++;
        nextSequence = (nextSequence + payload) & 0xffffffffL;
        boolean push = (buf[off + IP_HEADER + TCP_FLAGS] & PSH) != 0;
        if (push) {
            merged[IP_HEADER + TCP_FLAGS] |= PSH;
        }
        closed = push || payload < gsoSize;
        return true;
    }

    /**
     * Makes the merged packet what the kernel expects with {@code header}: its IP length and checksum updated, and,
     * when it holds several segments, the pseudo-header sum in the TCP checksum field for the kernel to complete.
     * The merge is over afterwards.
     */
    void finish(VirtioNetHeader header) {
        header.clear();
        if (segments > 1) {
            writeShort(merged, 2, length);
            writeShort(merged, 10, 0);
            writeShort(merged, 10, InternetChecksum.of(merged, 0, IP_HEADER));
            long pseudo = InternetChecksum.pseudoHeader(merged, 0, false, TCP, length - IP_HEADER);
            writeShort(merged, IP_HEADER + TCP_CHECKSUM, InternetChecksum.fold(pseudo));
            header.flags = VirtioNetHeader.F_NEEDS_CSUM;
            header.gsoType = VirtioNetHeader.GSO_TCPV4;
            header.headerLength = IP_HEADER + tcpHeaderLength;
            header.gsoSize = gsoSize;
            header.csumStart = IP_HEADER;
            header.csumOffset = TCP_CHECKSUM;
        }
        segments = 0;
    }

    /** Ends a merge without finishing it. */
    void abandon() {
        segments = 0;
    }

    /**
     * The TCP header length of an IPv4 packet without options or fragmentation that carries TCP data with ACK (and
     * maybe PSH) only and a correct checksum; -1 for any other packet.
     */
    private static int mergeableTcpHeaderLength(byte[] buf, int off, int len) {
        if (len < IP_HEADER + 20 || buf[off] != 0x45 || buf[off + 9] != TCP || readShort(buf, off + 2) != len) {
            return -1;
        }
        if ((readShort(buf, off + 6) & 0x3fff) != 0) {
            return -1; // a fragment (MF set or an offset)
        }
        int tcpHeader = ((buf[off + IP_HEADER + 12] & 0xff) >>> 4) * 4;
        int flags = buf[off + IP_HEADER + TCP_FLAGS] & 0xff;
        if (tcpHeader < 20 || len <= IP_HEADER + tcpHeader || (flags != ACK && flags != (ACK | PSH))) {
            return -1;
        }
        long sum = InternetChecksum.pseudoHeader(buf, off, false, TCP, len - IP_HEADER);
        return InternetChecksum.complement(InternetChecksum.sum(buf, off + IP_HEADER, len - IP_HEADER, sum)) == 0
                ? tcpHeader : -1;
    }

    /** Same addresses, ports, acknowledgement, options, ToS, DF and TTL as the merge's first packet. */
    private boolean sameFlow(byte[] buf, int off) {
        return buf[off + 1] == merged[1]
                && (buf[off + 6] & 0xe0) == (merged[6] & 0xe0)
                && buf[off + 8] == merged[8]
                && Arrays.equals(buf, off + 12, off + 20, merged, 12, 20)
                && Arrays.equals(buf, off + IP_HEADER, off + IP_HEADER + 4, merged, IP_HEADER, IP_HEADER + 4)
                && Arrays.equals(buf, off + IP_HEADER + 8, off + IP_HEADER + 12, merged, IP_HEADER + 8, IP_HEADER + 12)
                && Arrays.equals(buf, off + IP_HEADER + 20, off + IP_HEADER + tcpHeaderLength,
                        merged, IP_HEADER + 20, IP_HEADER + tcpHeaderLength);
    }
}
