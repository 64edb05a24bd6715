package io.netproxy.engine.tunnel;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TunBackend;
import io.netproxy.api.TunDevice;
import io.netproxy.api.TunSettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TUN backend without a kernel: the test plays the host's IP stack through each device's two queues. With
 * {@link #multiQueue} its devices open further queues, among which packets the host routes into the device are
 * spread by their addresses, as the kernel spreads flows.
 */
final class FakeTun implements TunBackend {
    final List<TunSettings> opened = new CopyOnWriteArrayList<>();
    final List<Device> devices = new CopyOnWriteArrayList<>();
    private final AtomicInteger number = new AtomicInteger();
    /** Whether devices opened from now on have more than one queue. */
    volatile boolean multiQueue;

    @Override
    public String name() { return "fake"; }

    @Override
    public TunDevice open(TunSettings settings) {
        opened.add(settings);
        Device device = new Device(settings.name().replace("%d", Integer.toString(number.getAndIncrement())), settings.mtu(),
                multiQueue);
        devices.add(device);
        return device;
    }

    /** A second queue of a running device is, here, a second device object with its name and MTU. */
    @Override
    public TunDevice attach(TunDevice current) {
        Device device = new Device(current.name(), current.mtu(), multiQueue);
        devices.add(device);
        return device;
    }

    /** The device opened last; fails when none was. */
    Device device() {
        if (devices.isEmpty()) throw new AssertionError("no TUN device was opened");
        return devices.get(devices.size() - 1);
    }

    static final class Device implements TunDevice {
        private static final byte[] CLOSED = new byte[0];
        private final String name;
        private final int mtu;
        private final boolean multiQueue;
        /** Packets the host sends into the tunnel (the engine reads them). */
        private final BlockingQueue<byte[]> toEngine = new LinkedBlockingQueue<>();
        /** Packets the engine delivered to the host, through any queue of the device. */
        private final BlockingQueue<byte[]> delivered;
        /** The device's queues, this one among them, in the order they were opened. */
        final List<Device> queues;
        /** Packets the engine read from, and wrote to, this queue. */
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private volatile boolean closed;
        private volatile boolean dead;

        Device(String name, int mtu, boolean multiQueue) {
            this(name, mtu, multiQueue, new LinkedBlockingQueue<>(), new CopyOnWriteArrayList<>());
        }

        private Device(String name, int mtu, boolean multiQueue, BlockingQueue<byte[]> delivered, List<Device> queues) {
            this.name = name;
            this.mtu = mtu;
            this.multiQueue = multiQueue;
            this.delivered = delivered;
            this.queues = queues;
            queues.add(this);
        }

        /** The host routes a packet into the tunnel: to one of the open queues, chosen by the packet's addresses. */
        void inject(byte[] packet) {
            List<Device> open = queues.stream().filter(queue -> !queue.closed).toList();
            Device queue = open.isEmpty() ? this : open.get(Math.floorMod(flowHash(packet), open.size()));
            queue.toEngine.add(packet.clone());
        }

        private static int flowHash(byte[] packet) {
            return packet.length < 20 ? 0 : java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(packet, 12, 20));
        }

        @Override
        public TunDevice openQueue() throws IOException {
            if (!multiQueue) throw new IOException("the fake device " + name + " has one queue");
            if (closed) throw new ClosedChannelException();
            return new Device(name, mtu, true, delivered, queues);
        }

        /** The next packet the engine wrote to the host, or null when none comes within the timeout. */
        byte[] awaitDelivered(Duration timeout) throws InterruptedException {
            return delivered.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The device disappears, as after {@code ip link del}: every read fails from now on. */
        void die() {
            for (Device queue : queues) {
                queue.dead = true;
                queue.toEngine.add(CLOSED);
            }
        }

        /** Packets written so far and not yet taken. */
        int pending() { return delivered.size(); }

        boolean isClosed() { return closed; }

        @Override
        public String name() { return name; }

        @Override
        public int mtu() { return mtu; }

        @Override
        public int read(PacketBatch batch) throws IOException {
            if (closed) throw new ClosedChannelException();
            if (dead) throw new IOException("File descriptor in bad state");
            byte[] packet;
            try {
                packet = toEngine.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted in read");
            }
            if (packet == CLOSED) {
                toEngine.add(CLOSED);
                if (dead && !closed) throw new IOException("File descriptor in bad state");
                throw new ClosedChannelException();
            }
            // Like read(2) on a TUN descriptor: at most what fits behind the headroom.
            int length = Math.min(packet.length, batch.bufferSize() - batch.headroom());
            System.arraycopy(packet, 0, batch.buffer(0), batch.headroom(), length);
            batch.set(0, batch.headroom(), length, null);
            batch.setSize(1);
            reads.incrementAndGet();
            return 1;
        }

        @Override
        public void write(PacketBatch batch) throws IOException {
            for (int i = 0; i < batch.size(); i++) write(batch.buffer(i), batch.offset(i), batch.length(i));
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            if (closed) throw new ClosedChannelException();
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            writes.incrementAndGet();
            delivered.add(copy);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            closed = true;
            toEngine.add(CLOSED);
        }
    }
}
