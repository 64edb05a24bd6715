package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packets behind a {@link VirtioNetHeader}, with segmentation and checksum offload (IFF_VNET_HDR, TUNSETOFFLOAD):
 * the kernel hands over TCP super-packets of up to 64 KiB in one read, which are cut into MTU-sized segments here,
 * and takes neighbouring TCP segments of one flow merged in one write.
 */
final class OffloadedPackets implements PacketFormat {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadedPackets.class);
    private static final int MAX_PACKET = 65_535;

    private final byte[] readBuffer = new byte[VirtioNetHeader.LENGTH + MAX_PACKET];
    private final ByteBuffer readView = ByteBuffer.wrap(readBuffer);
    private final VirtioNetHeader readHeader = new VirtioNetHeader();
    private final TcpSegmenter segmenter = new TcpSegmenter();

    /** Writers take turns: they share the merge buffer and the header. */
    private final Object writeLock = new Object();
    private final TcpCoalescer coalescer = new TcpCoalescer();
    private final VirtioNetHeader writeHeader = new VirtioNetHeader();
    private final ByteBuffer writeHeaderBuffer = ByteBuffer.allocate(VirtioNetHeader.LENGTH);
    private final ByteBuffer[] writeVector = {writeHeaderBuffer, null};
    private final ArrayBufferView writeView = new ArrayBufferView();

    /**
     * Fills the batch with the segments of one super-packet (the rest of it on the next call, when it has more
     * segments than the batch has slots), or with one packet.
     */
    @Override
    public int read(FileChannel reader, PacketBatch batch) throws IOException {
        while (true) {
            try {
                if (segmenter.hasMore()) {
                    return segmenter.fill(batch);
                }
                int n = reader.read(readView.clear());
                if (n < 0) return -1;
                int packets = take(n, batch);
                if (packets > 0) return packets;
            } catch (IllegalArgumentException e) {
                // The kernel's own offload metadata, so this is not expected; one packet is lost, not the device.
                LOG.debug("dropped a packet the TUN device handed over: {}", e.getMessage());
            }
        }
    }

    private int take(int n, PacketBatch batch) {
        if (n <= VirtioNetHeader.LENGTH) {
            throw new IllegalArgumentException("a read of " + n + " bytes holds no packet");
        }
        readHeader.decode(readBuffer, 0);
        int packet = VirtioNetHeader.LENGTH;
        int length = n - packet;
        if (readHeader.gsoType != VirtioNetHeader.GSO_NONE) {
            segmenter.start(readBuffer, packet, length, readHeader);
            return segmenter.fill(batch);
        }
        if ((readHeader.flags & VirtioNetHeader.F_NEEDS_CSUM) != 0) {
            TcpSegmenter.completeChecksum(readBuffer, packet, length, readHeader);
        }
        int at = batch.headroom();
        if (length > batch.bufferSize() - at) {
            throw new IllegalArgumentException("a " + length + "-byte packet exceeds a slot");
        }
        System.arraycopy(readBuffer, packet, batch.buffer(0), at, length);
        batch.set(0, at, length, null);
        batch.setSize(1);
        return 1;
    }

    /** Writes the batch's packets in order, neighbouring segments of one TCP flow merged into one write. */
    @Override
    public void write(FileChannel writer, PacketBatch batch) throws IOException {
        synchronized (writeLock) {
            try {
                for (int slot = 0; slot < batch.size(); slot++) {
                    byte[] buf = batch.buffer(slot);
                    int off = batch.offset(slot);
                    int len = batch.length(slot);
                    if (coalescer.append(buf, off, len)) continue;
                    writeMerged(writer);
                    if (!coalescer.begin(buf, off, len)) {
                        writePlain(writer, buf, off, len);
                    }
                }
                writeMerged(writer);
            } finally {
                // after a failed write the next batch must not continue this one's merge
                coalescer.abandon();
            }
        }
    }

    @Override
    public void write(FileChannel writer, byte[] buf, int off, int len) throws IOException {
        synchronized (writeLock) {
            writePlain(writer, buf, off, len);
        }
    }

    private void writeMerged(FileChannel writer) throws IOException {
        if (coalescer.segments() > 0) {
            coalescer.finish(writeHeader);
            writeWithHeader(writer, coalescer.packet(), 0, coalescer.length());
        }
    }

    private void writePlain(FileChannel writer, byte[] buf, int off, int len) throws IOException {
        writeHeader.clear();
        writeWithHeader(writer, buf, off, len);
    }

    private void writeWithHeader(FileChannel writer, byte[] buf, int off, int len) throws IOException {
        writeHeader.encode(writeHeaderBuffer);
        writeVector[1] = writeView.of(buf, off, len);
        long n = writer.write(writeVector);
        if (n != VirtioNetHeader.LENGTH + len) {
            throw new IOException("the TUN device took " + n + " of " + (VirtioNetHeader.LENGTH + len)
                    + " bytes of a packet");
        }
    }
}
