package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TunDevice;
import java.io.EOFException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open TUN device, read and written in the packet format of its backend: bare, or with offloads.
 *
 * <p>The kernel fixes a device's format when its first queue attaches, so a device taken over from a backend of the
 * other format arrives in that format and keeps it while the old queue lives. At the first read, which the engine
 * makes only after it closed the old queue, the device changes format: it keeps the device alive with TUNSETPERSIST,
 * closes its queue and attaches a new one with its own flags, which the kernel then applies (addresses, routes and
 * the rules naming the device stay; packets routed to it in that millisecond are lost).
 */
final class LinuxTunDevice implements TunDevice {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxTunDevice.class);

    private final String name;
    private final int mtu;
    private final boolean persistent;
    private final boolean offload;
    /** A further queue of a device (openQueue), whose close ends only that queue. */
    private final boolean further;
    private final Object lifecycle = new Object();
    private volatile TunQueue queue;
    private volatile PacketFormat format;
    /** Set until the first read (or the first further queue) has tried to change the format. */
    private volatile boolean formatToChange;
    private boolean closed;

    LinuxTunDevice(TunQueue queue, int mtu, boolean persistent, boolean offload) {
        this(queue, mtu, persistent, offload, false);
    }

    private LinuxTunDevice(TunQueue queue, int mtu, boolean persistent, boolean offload, boolean further) {
        this.name = queue.name;
        this.mtu = mtu;
        this.persistent = persistent;
        this.offload = offload;
        this.further = further;
        this.queue = queue;
        this.format = formatOf(queue);
        // a further queue reads the format in force: the first queue changes it, when it can, before any is opened
        this.formatToChange = !further && queue.virtio != offload;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int read(PacketBatch batch) throws IOException {
        if (formatToChange) takeOwnFormat();
        TunQueue current = queue;
        int n = format.read(current.reader, batch);
        if (n < 0) {
            throw new EOFException("TUN device " + name + " was closed");
        }
        return n;
    }

    @Override
    public void write(PacketBatch batch) throws IOException {
        format.write(queue.writer, batch);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        format.write(queue.writer, buf, off, len);
    }

    /**
     * Opens another queue of the device in this backend's format. A device taken over in the other format changes
     * its format first, while this is its only queue: so the engine opens further queues once the old backend's
     * queue is closed, and before it reads.
     */
    @Override
    public TunDevice openQueue() throws IOException {
        synchronized (lifecycle) {
            if (closed) throw new EOFException("TUN device " + name + " was closed");
            if (formatToChange) takeOwnFormat();
            TunQueue next = TunQueue.attach(name, CloneDeviceBackend.flags(offload));
            LOG.debug("opened queue {} of TUN {}", next.fd, name);
            return new LinuxTunDevice(next, mtu, persistent, offload, true);
        }
    }

    private void takeOwnFormat() throws IOException {
        synchronized (lifecycle) {
            if (!formatToChange) return;
            formatToChange = false;
            if (closed) throw new EOFException("TUN device " + name + " was closed");
            TunQueue old = queue;
            if (!persistent) TunIoctl.setPersist(old.fd, name, true);
            old.close();
            TunQueue next;
            try {
                next = TunQueue.attach(name, CloneDeviceBackend.flags(offload));
            } catch (IOException e) {
                // without a queue the device is of no use; removed, it can be made anew by the tunnel's rebuild
                if (!persistent) removeQuietly(e);
                throw new IOException("TUN device " + name + " lost its queue while changing its packet format: "
                        + e.getMessage(), e);
            }
            if (!persistent) TunIoctl.setPersist(next.fd, name, false);
            TunIoctl.setOffload(next.fd, CloneDeviceBackend.offloads(next.virtio), name);
            queue = next;
            format = formatOf(next);
            if (next.virtio == offload) {
                LOG.info("TUN {} now carries {} packets", name, offload ? "offloaded" : "bare");
            } else {
                // another queue is still attached, so the kernel kept the old format; this one reads it correctly
                LOG.warn("TUN {} keeps its {} packets: another queue of it is still open", name,
                        next.virtio ? "offloaded" : "bare");
            }
        }
    }

    private void removeQuietly(IOException failure) {
        try {
            IpCommand.run("link", "del", "dev", name);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static PacketFormat formatOf(TunQueue queue) {
        return queue.virtio ? new OffloadedPackets() : new BarePackets();
    }

    /** Unblocks a reader; the kernel removes the device now unless it is persistent. */
    @Override
    public void close() throws IOException {
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
            queue.close();
        }
        if (further) {
            LOG.debug("closed a queue of TUN {}", name);
        } else {
            LOG.info(persistent ? "closed TUN {} (the persistent device stays)" : "closed TUN {}", name);
        }
    }
}
