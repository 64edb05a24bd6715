package io.netproxy.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct virtio_net_hdr (linux/virtio_net.h), which a TUN device opened with IFF_VNET_HDR puts in front of every
 * packet in both directions: whether the packet still needs its transport checksum, and how a super-packet is to be
 * cut into segments. Fields are in the host's byte order (the device is not switched to little-endian mode).
 */
final class VirtioNetHeader {
    static final int LENGTH = 10;

    /** The transport checksum is partial: the pseudo-header sum sits at csumStart + csumOffset. */
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;

    int flags;
    int gsoType;
    int headerLength;
    int gsoSize;
    int csumStart;
    int csumOffset;

    void decode(byte[] buf, int off) {
        ByteBuffer b = ByteBuffer.wrap(buf, off, LENGTH).order(ByteOrder.nativeOrder());
        flags = b.get(off) & 0xff;
        gsoType = b.get(off + 1) & 0xff;
        headerLength = b.getShort(off + 2) & 0xffff;
        gsoSize = b.getShort(off + 4) & 0xffff;
        csumStart = b.getShort(off + 6) & 0xffff;
        csumOffset = b.getShort(off + 8) & 0xffff;
    }

    void encode(ByteBuffer out) {
        out.clear();
        out.order(ByteOrder.nativeOrder())
                .put((byte) flags).put((byte) gsoType).putShort((short) headerLength).putShort((short) gsoSize)
                .putShort((short) csumStart).putShort((short) csumOffset)
                .flip();
    }

    /** A plain packet: no segmentation, checksums complete. */
    void clear() {
        flags = 0;
        gsoType = GSO_NONE;
        headerLength = 0;
        gsoSize = 0;
        csumStart = 0;
        csumOffset = 0;
    }
}
