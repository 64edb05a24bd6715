package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;

/** One bare IP packet per read and write (IFF_NO_PI without IFF_VNET_HDR). */
final class BarePackets implements PacketFormat {
    private final ArrayBufferView readView = new ArrayBufferView();
    private final ThreadLocal<ArrayBufferView> writeViews = ThreadLocal.withInitial(ArrayBufferView::new);

    @Override
    public int read(FileChannel reader, PacketBatch batch) throws IOException {
        int offset = batch.headroom();
        int n = reader.read(readView.of(batch.buffer(0), offset, batch.bufferSize() - offset));
        if (n < 0) return -1;
        batch.set(0, offset, n, null);
        batch.setSize(1);
        return 1;
    }

    @Override
    public void write(FileChannel writer, PacketBatch batch) throws IOException {
        for (int slot = 0; slot < batch.size(); slot++) {
            write(writer, batch.buffer(slot), batch.offset(slot), batch.length(slot));
        }
    }

    @Override
    public void write(FileChannel writer, byte[] buf, int off, int len) throws IOException {
        int n = writer.write(writeViews.get().of(buf, off, len));
        if (n != len) {
            throw new IOException("the TUN device took " + n + " of " + len + " bytes of a packet");
        }
    }
}
