package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;

/**
 * Cuts a TCP super-packet, which a device with segmentation offload hands over whole (up to 64 KiB), into the
 * segments the kernel would otherwise have made, each with its own IP header, sequence number and checksums (the rules
 * of wireguard-go's tun/offload_linux.go). A batch that fills up takes the remaining segments on the next call.
 */
final class TcpSegmenter {
    private static final int TCP_FLAGS = 13;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int TCP = 6;
    /** Offset of the TCP checksum in the TCP header. */
    static final int TCP_CHECKSUM = 16;

    private byte[] in;
    private int packet;
    private int end;
    private boolean ipv6;
    private int ipHeaderLength;
    private int headerLength;
    private int gsoSize;
    private long firstSequence;
    private int nextData;
    private int index;

    /** Whether segments of the current super-packet are still to be handed out. */
    boolean hasMore() {
        return in != null && nextData < end;
    }

    /**
     * Takes the super-packet {@code in[packet .. packet+length)} described by {@code header}.
     *
     * @throws IllegalArgumentException when the packet and its header do not describe TCP segments
     */
    void start(byte[] in, int packet, int length, VirtioNetHeader header) {
        this.in = null;
        int version = length > 0 ? (in[packet] & 0xff) >>> 4 : 0;
        boolean v6 = header.gsoType == VirtioNetHeader.GSO_TCPV6;
        if (header.gsoType != VirtioNetHeader.GSO_TCPV4 && !v6) {
            throw new IllegalArgumentException("segmentation type " + header.gsoType + " is not TCP");
        }
        if (version != (v6 ? 6 : 4)) {
            throw new IllegalArgumentException("IP version " + version + " with segmentation type " + header.gsoType);
        }
        int transport = header.csumStart;
        if (transport < (v6 ? 40 : 20) || length <= transport + TCP_FLAGS || header.csumOffset != TCP_CHECKSUM) {
            throw new IllegalArgumentException("TCP header at " + transport + " of a " + length + "-byte packet");
        }
        // The header's own headerLength may cover a whole first packet on the forwarding path: take the TCP header's.
        int tcpHeaderLength = ((in[packet + transport + 12] & 0xff) >>> 4) * 4;
        if (tcpHeaderLength < 20 || transport + tcpHeaderLength > length || header.gsoSize == 0) {
            throw new IllegalArgumentException("TCP header of " + tcpHeaderLength + " bytes, segments of "
                    + header.gsoSize + ", in a " + length + "-byte packet");
        }
        this.in = in;
        this.packet = packet;
        this.end = packet + length;
        this.ipv6 = v6;
        this.ipHeaderLength = transport;
        this.headerLength = transport + tcpHeaderLength;
        this.gsoSize = header.gsoSize;
        this.firstSequence = readInt(in, packet + transport + 4);
        this.nextData = packet + headerLength;
        this.index = 0;
    }

    /**
     * Fills the batch from its first slot with the next segments, as many as fit; returns how many.
     *
     * @throws IllegalArgumentException when a segment is larger than a slot (the device's MTU was raised)
     */
    int fill(PacketBatch batch) {
        int room = batch.bufferSize() - batch.headroom();
        if (headerLength + gsoSize > room) {
            in = null;
            throw new IllegalArgumentException("segments of " + (headerLength + gsoSize) + " bytes exceed the "
                    + room + " bytes of a slot");
        }
        int slots = 0;
        while (slots < batch.capacity() && nextData < end) {
            int dataLength = Math.min(gsoSize, end - nextData);
            byte[] out = batch.buffer(slots);
            int at = batch.headroom();
            writeSegment(out, at, dataLength, nextData + dataLength == end);
            batch.set(slots, at, headerLength + dataLength, null);
            nextData += dataLength;
            index++;
            slots++;
        }
        batch.setSize(slots);
        return slots;
    }

    private void writeSegment(byte[] out, int at, int dataLength, boolean last) {
        int total = headerLength + dataLength;
        System.arraycopy(in, packet, out, at, headerLength);
        System.arraycopy(in, nextData, out, at + headerLength, dataLength);
        if (ipv6) {
            writeShort(out, at + 4, total - ipHeaderLength);
        } else {
            writeShort(out, at + 2, total);
            writeShort(out, at + 4, readShort(in, packet + 4) + index);
            writeShort(out, at + 10, 0);
            writeShort(out, at + 10, InternetChecksum.of(out, at, ipHeaderLength));
        }
        int tcp = at + ipHeaderLength;
        writeInt(out, tcp + 4, firstSequence + (long) gsoSize * index);
        if (!last) {
            // FIN and PSH belong to the last segment only
            out[tcp + TCP_FLAGS] &= (byte) ~(FIN | PSH);
        }
        writeShort(out, tcp + TCP_CHECKSUM, 0);
        int tcpLength = total - ipHeaderLength;
        long sum = InternetChecksum.pseudoHeader(out, at, ipv6, TCP, tcpLength);
        writeShort(out, tcp + TCP_CHECKSUM, InternetChecksum.complement(InternetChecksum.sum(out, tcp, tcpLength, sum)));
    }

    /**
     * Completes the transport checksum of a single packet the device left partial: the field holds the
     * pseudo-header sum, to which the sum from {@code csumStart} to the end is added.
     */
    static void completeChecksum(byte[] buf, int packet, int length, VirtioNetHeader header) {
        int field = header.csumStart + header.csumOffset;
        if (header.csumStart >= length || field + 2 > length) {
            throw new IllegalArgumentException("checksum at " + field + " of a " + length + "-byte packet");
        }
        long initial = readShort(buf, packet + field);
        writeShort(buf, packet + field, 0);
        long sum = InternetChecksum.sum(buf, packet + header.csumStart, length - header.csumStart, initial);
        writeShort(buf, packet + field, InternetChecksum.complement(sum));
    }

    static int readShort(byte[] buf, int at) {
        return ((buf[at] & 0xff) << 8) | (buf[at + 1] & 0xff);
    }

    static void writeShort(byte[] buf, int at, int value) {
        buf[at] = (byte) (value >>> 8);
        buf[at + 1] = (byte) value;
    }

    static long readInt(byte[] buf, int at) {
        return ((long) readShort(buf, at) << 16) | readShort(buf, at + 2);
    }

    static void writeInt(byte[] buf, int at, long value) {
        writeShort(buf, at, (int) (value >>> 16) & 0xffff);
        writeShort(buf, at + 2, (int) value & 0xffff);
    }
}
