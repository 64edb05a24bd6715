package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;

/** How packets sit in the reads and writes of a TUN queue: bare, or behind a virtio_net_hdr with offloads. */
interface PacketFormat {
    /** Blocks until packets arrive and fills the batch from its first slot; -1 at the end of the file. */
    int read(FileChannel reader, PacketBatch batch) throws IOException;

    void write(FileChannel writer, PacketBatch batch) throws IOException;

    void write(FileChannel writer, byte[] buf, int off, int len) throws IOException;
}
