package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.PacketBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting TCP super-packets into segments and merging segments back, on packets built here. */
class TcpOffloadTest {
    private static final int HEADROOM = 16;
    private static final int TCP_HEADER = 32; // with a 12-byte timestamp option, as Linux sends
    private static final int SEGMENT = 1348;

    @Test
    void cutsASuperPacketIntoSegmentsWithTheirOwnHeadersAndChecksums() {
        byte[] payload = payload(10 * SEGMENT + 500);
        byte[] superPacket = tcp4(payload, 1_000_000L, 0x18, 7);
        PacketBatch batch = new PacketBatch(64, HEADROOM + 1400 + 32, HEADROOM);
        TcpSegmenter segmenter = new TcpSegmenter();
        segmenter.start(superPacket, 0, superPacket.length, gso(SEGMENT));

        assertEquals(11, segmenter.fill(batch));
        assertFalse(segmenter.hasMore());
        for (int i = 0; i < 11; i++) {
            byte[] buf = batch.buffer(i);
            int off = batch.offset(i);
            int dataLength = i < 10 ? SEGMENT : 500;
            assertEquals(20 + TCP_HEADER + dataLength, batch.length(i));
            assertEquals(batch.length(i), TcpSegmenter.readShort(buf, off + 2), "IP total length");
            assertEquals(7 + i, TcpSegmenter.readShort(buf, off + 4), "IP id");
            assertEquals(0, InternetChecksum.of(buf, off, 20), "IP header checksum of segment " + i);
            assertEquals(1_000_000L + (long) i * SEGMENT, TcpSegmenter.readInt(buf, off + 24), "sequence");
            assertEquals(i < 10 ? 0x10 : 0x18, buf[off + 20 + 13] & 0xff, "PSH on the last segment only");
            assertTcpChecksumValid(buf, off, batch.length(i));
            assertArrayEquals(Arrays.copyOfRange(payload, i * SEGMENT, i * SEGMENT + dataLength),
                    Arrays.copyOfRange(buf, off + 20 + TCP_HEADER, off + batch.length(i)));
        }
    }

    @Test
    void aBatchTooSmallTakesTheRestOnTheNextCall() {
        byte[] superPacket = tcp4(payload(5 * SEGMENT), 42, 0x10, 1);
        PacketBatch batch = new PacketBatch(2, HEADROOM + 1400 + 32, HEADROOM);
        TcpSegmenter segmenter = new TcpSegmenter();
        segmenter.start(superPacket, 0, superPacket.length, gso(SEGMENT));

        int[] counts = new int[3];
        long[] firstSequences = new long[3];
        for (int call = 0; call < 3; call++) {
            counts[call] = segmenter.fill(batch);
            firstSequences[call] = TcpSegmenter.readInt(batch.buffer(0), batch.offset(0) + 24);
        }
        assertArrayEquals(new int[] {2, 2, 1}, counts);
        assertArrayEquals(new long[] {42, 42 + 2 * SEGMENT, 42 + 4 * SEGMENT}, firstSequences);
        assertFalse(segmenter.hasMore());
    }

    @Test
    void refusesWhatIsNotATcpSuperPacket() {
        byte[] superPacket = tcp4(payload(3 * SEGMENT), 1, 0x10, 1);
        VirtioNetHeader udp = gso(SEGMENT);
        udp.gsoType = 5;
        TcpSegmenter segmenter = new TcpSegmenter();
        assertThrows(IllegalArgumentException.class, () -> segmenter.start(superPacket, 0, superPacket.length, udp));
        VirtioNetHeader v6 = gso(SEGMENT);
        v6.gsoType = VirtioNetHeader.GSO_TCPV6;
        assertThrows(IllegalArgumentException.class, () -> segmenter.start(superPacket, 0, superPacket.length, v6));
        assertThrows(IllegalArgumentException.class, () -> segmenter.start(superPacket, 0, 30, gso(SEGMENT)));
        assertFalse(segmenter.hasMore());

        PacketBatch small = new PacketBatch(4, HEADROOM + 600, HEADROOM);
        segmenter.start(superPacket, 0, superPacket.length, gso(SEGMENT));
        assertThrows(IllegalArgumentException.class, () -> segmenter.fill(small), "segments larger than a slot");
    }

    @Test
    void mergesTheSegmentsBackIntoTheSuperPacket() {
        byte[] payload = payload(10 * SEGMENT + 500);
        byte[] original = tcp4(payload, 5_000L, 0x18, 7);
        PacketBatch batch = new PacketBatch(64, HEADROOM + 1400 + 32, HEADROOM);
        TcpSegmenter segmenter = new TcpSegmenter();
        segmenter.start(original.clone(), 0, original.length, gso(SEGMENT));
        int count = segmenter.fill(batch);

        TcpCoalescer coalescer = new TcpCoalescer();
        assertTrue(coalescer.begin(batch.buffer(0), batch.offset(0), batch.length(0)));
        for (int i = 1; i < count; i++) {
            assertTrue(coalescer.append(batch.buffer(i), batch.offset(i), batch.length(i)), "segment " + i);
        }
        assertEquals(11, coalescer.segments());
        VirtioNetHeader header = new VirtioNetHeader();
        coalescer.finish(header);

        assertEquals(VirtioNetHeader.GSO_TCPV4, header.gsoType);
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, header.flags);
        assertEquals(SEGMENT, header.gsoSize);
        assertEquals(20 + TCP_HEADER, header.headerLength);
        assertEquals(20, header.csumStart);
        assertEquals(16, header.csumOffset);
        byte[] merged = Arrays.copyOf(coalescer.packet(), coalescer.length());
        assertEquals(original.length, merged.length);
        assertEquals(0, InternetChecksum.of(merged, 0, 20), "IP header checksum");
        assertArrayEquals(Arrays.copyOfRange(original, 40, 40 + 12), Arrays.copyOfRange(merged, 40, 40 + 12),
                "options as sent");
        assertArrayEquals(payload, Arrays.copyOfRange(merged, 20 + TCP_HEADER, merged.length));
        assertEquals(0x18, merged[33] & 0xff, "PSH of the last segment kept");
        // the kernel completes the checksum from the pseudo-header sum left in the field
        TcpSegmenter.completeChecksum(merged, 0, merged.length, header);
        assertTcpChecksumValid(merged, 0, merged.length);
    }

    @Test
    void mergesOnlyWhatContinuesTheFlow() {
        byte[] first = tcp4(payload(SEGMENT), 100, 0x10, 1);
        TcpCoalescer coalescer = new TcpCoalescer();
        assertTrue(coalescer.begin(first, 0, first.length));

        byte[] gap = tcp4(payload(SEGMENT), 100 + 2 * SEGMENT, 0x10, 2);
        assertFalse(coalescer.append(gap, 0, gap.length), "a sequence gap");
        byte[] otherPort = tcp4(payload(SEGMENT), 100 + SEGMENT, 0x10, 2);
        otherPort[20 + 1] ^= 1;
        fixChecksums(otherPort);
        assertFalse(coalescer.append(otherPort, 0, otherPort.length), "another flow");
        byte[] corrupt = tcp4(payload(SEGMENT), 100 + SEGMENT, 0x10, 2);
        corrupt[corrupt.length - 1] ^= 1;
        assertFalse(coalescer.append(corrupt, 0, corrupt.length), "a wrong checksum");
        byte[] syn = tcp4(payload(SEGMENT), 100 + SEGMENT, 0x12, 2);
        assertFalse(coalescer.append(syn, 0, syn.length), "flags other than ACK and PSH");
        byte[] larger = tcp4(payload(SEGMENT + 1), 100 + SEGMENT, 0x10, 2);
        assertFalse(coalescer.append(larger, 0, larger.length), "larger than the first");

        byte[] shorter = tcp4(payload(100), 100 + SEGMENT, 0x10, 2);
        assertTrue(coalescer.append(shorter, 0, shorter.length));
        byte[] after = tcp4(payload(100), 100 + SEGMENT + 100, 0x10, 3);
        assertFalse(coalescer.append(after, 0, after.length), "nothing after a shorter segment");
        assertEquals(2, coalescer.segments());

        byte[] udp = tcp4(payload(SEGMENT), 1, 0x10, 1);
        udp[9] = 17;
        assertFalse(new TcpCoalescer().begin(udp, 0, udp.length), "not TCP");
    }

    @Test
    void aSinglePacketIsWrittenAsItCame() {
        byte[] packet = tcp4(payload(SEGMENT), 100, 0x10, 1);
        TcpCoalescer coalescer = new TcpCoalescer();
        assertTrue(coalescer.begin(packet, 0, packet.length));
        VirtioNetHeader header = new VirtioNetHeader();
        coalescer.finish(header);
        assertEquals(VirtioNetHeader.GSO_NONE, header.gsoType);
        assertEquals(0, header.flags);
        assertArrayEquals(packet, Arrays.copyOf(coalescer.packet(), coalescer.length()));
        assertEquals(0, coalescer.segments());
    }

    @Test
    void completesAPartialChecksum() {
        byte[] packet = tcp4(payload(700), 9, 0x18, 1);
        long pseudo = InternetChecksum.pseudoHeader(packet, 0, false, 6, packet.length - 20);
        TcpSegmenter.writeShort(packet, 36, InternetChecksum.fold(pseudo));
        VirtioNetHeader header = new VirtioNetHeader();
        header.flags = VirtioNetHeader.F_NEEDS_CSUM;
        header.csumStart = 20;
        header.csumOffset = 16;
        TcpSegmenter.completeChecksum(packet, 0, packet.length, header);
        assertTcpChecksumValid(packet, 0, packet.length);
    }

    @Test
    void theHeaderIsInTheHostsByteOrder() {
        VirtioNetHeader header = new VirtioNetHeader();
        header.flags = 1;
        header.gsoType = 1;
        header.headerLength = 52;
        header.gsoSize = SEGMENT;
        header.csumStart = 20;
        header.csumOffset = 16;
        ByteBuffer encoded = ByteBuffer.allocate(VirtioNetHeader.LENGTH);
        header.encode(encoded);
        VirtioNetHeader decoded = new VirtioNetHeader();
        decoded.decode(encoded.array(), 0);
        assertEquals(List.of(1, 1, 52, SEGMENT, 20, 16), List.of(decoded.flags, decoded.gsoType,
                decoded.headerLength, decoded.gsoSize, decoded.csumStart, decoded.csumOffset));
        int low = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 2 : 3;
        assertEquals(52, encoded.get(low), "hdr_len's low byte where the host keeps it");
    }

    // ---- packets ------------------------------------------------------------------------------------------

    private static VirtioNetHeader gso(int size) {
        VirtioNetHeader header = new VirtioNetHeader();
        header.flags = VirtioNetHeader.F_NEEDS_CSUM;
        header.gsoType = VirtioNetHeader.GSO_TCPV4;
        header.headerLength = 20 + TCP_HEADER;
        header.gsoSize = size;
        header.csumStart = 20;
        header.csumOffset = 16;
        return header;
    }

    private static byte[] payload(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) payload[i] = (byte) (i * 31 % 251);
        return payload;
    }

    /** An IPv4 TCP packet 198.18.0.2:40000 -> 198.18.0.1:5201 with a timestamp option and valid checksums. */
    private static byte[] tcp4(byte[] payload, long sequence, int flags, int id) {
        byte[] p = new byte[20 + TCP_HEADER + payload.length];
        p[0] = 0x45;
        TcpSegmenter.writeShort(p, 2, p.length);
        TcpSegmenter.writeShort(p, 4, id);
        p[6] = 0x40; // DF
        p[8] = 64;
        p[9] = 6;
        System.arraycopy(new byte[] {(byte) 198, 18, 0, 2, (byte) 198, 18, 0, 1}, 0, p, 12, 8);
        TcpSegmenter.writeShort(p, 20, 40000);
        TcpSegmenter.writeShort(p, 22, 5201);
        TcpSegmenter.writeInt(p, 24, sequence);
        TcpSegmenter.writeInt(p, 28, 777);
        p[32] = (byte) ((TCP_HEADER / 4) << 4);
        p[33] = (byte) flags;
        TcpSegmenter.writeShort(p, 34, 502);
        System.arraycopy(new byte[] {1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 9}, 0, p, 40, 12);
        System.arraycopy(payload, 0, p, 20 + TCP_HEADER, payload.length);
        fixChecksums(p);
        return p;
    }

    private static void fixChecksums(byte[] p) {
        TcpSegmenter.writeShort(p, 10, 0);
        TcpSegmenter.writeShort(p, 10, InternetChecksum.of(p, 0, 20));
        TcpSegmenter.writeShort(p, 36, 0);
        long pseudo = InternetChecksum.pseudoHeader(p, 0, false, 6, p.length - 20);
        TcpSegmenter.writeShort(p, 36, InternetChecksum.complement(InternetChecksum.sum(p, 20, p.length - 20, pseudo)));
    }

    private static void assertTcpChecksumValid(byte[] buf, int off, int length) {
        long pseudo = InternetChecksum.pseudoHeader(buf, off, false, 6, length - 20);
        assertEquals(0, InternetChecksum.complement(InternetChecksum.sum(buf, off + 20, length - 20, pseudo)),
                "TCP checksum");
    }
}
