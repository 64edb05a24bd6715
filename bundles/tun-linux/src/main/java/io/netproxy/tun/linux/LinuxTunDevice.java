package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TunDevice;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open TUN device. Packets are read through the file's channel because closing a FileChannel signals
 * the thread blocked in it, which is how {@link #close()} unblocks the reader. Writes go through a second
 * channel on the same descriptor: a FileChannel holds one lock across read and write, so sharing it would
 * make every writer wait until the reader receives a packet.
 */
final class LinuxTunDevice implements TunDevice {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxTunDevice.class);

    private final String name;
    private final int mtu;
    private final boolean persistent;
    private final FileChannel reader;
    private final FileChannel writer;
    private final ArrayBufferView readView = new ArrayBufferView();
    private final ThreadLocal<ArrayBufferView> writeViews = ThreadLocal.withInitial(ArrayBufferView::new);
    private final AtomicBoolean closed = new AtomicBoolean();

    LinuxTunDevice(String name, int mtu, boolean persistent, RandomAccessFile file) throws IOException {
        this.name = name;
        this.mtu = mtu;
        this.persistent = persistent;
        this.reader = file.getChannel();
        this.writer = new FileOutputStream(file.getFD()).getChannel();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Reads one packet per call; filling more slots (e.g. with a non-blocking drain) can come later. */
    @Override
    public int read(PacketBatch batch) throws IOException {
        int offset = batch.headroom();
        int n = reader.read(readView.of(batch.buffer(0), offset, batch.bufferSize() - offset));
        if (n < 0) {
            throw new EOFException("TUN device " + name + " was closed");
        }
        batch.set(0, offset, n, null);
        batch.setSize(1);
        return 1;
    }

    @Override
    public void write(PacketBatch batch) throws IOException {
        for (int slot = 0; slot < batch.size(); slot++) {
            write(batch.buffer(slot), batch.offset(slot), batch.length(slot));
        }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        int n = writer.write(writeViews.get().of(buf, off, len));
        if (n != len) {
            throw new IOException("TUN device " + name + " took " + n + " of " + len + " bytes of a packet");
        }
    }

    /** Unblocks a reader; the kernel removes the device now unless it is persistent. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // Signals a thread blocked in read(), then closes the descriptor that both channels share.
            reader.close();
        } finally {
            writer.close();
        }
        LOG.info(persistent ? "closed TUN {} (the persistent device stays)" : "closed TUN {}", name);
    }
}
