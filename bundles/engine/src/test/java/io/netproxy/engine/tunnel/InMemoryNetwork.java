package io.netproxy.engine.tunnel;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A datagram network in memory: endpoints are labelled with addresses such as {@code 192.0.2.1:6767} and
 * deliver whole datagrams to each other through blocking queues, like UDP without loss or reordering.
 * Datagrams to an address nobody holds vanish. Taps see every datagram an endpoint sends; {@link #inject}
 * lets a test put datagrams on the wire from any address without a tap seeing them.
 *
 * <p>A transport made by {@link #sharingTransport} binds more endpoints to a port it holds ({@code listenBeside}),
 * as UDP with SO_REUSEPORT does: the network spreads the datagrams to that port among them by their sender.
 */
final class InMemoryNetwork {
    /** One datagram on the wire. */
    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] data) {}

    private static final Datagram CLOSED = new Datagram(null, null, new byte[0]);

    private final Map<InetSocketAddress, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final List<Consumer<Datagram>> taps = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Predicate<Datagram> lost = datagram -> false;
    private final AtomicInteger nextPort = new AtomicInteger(40_000);

    static InetAddress ip(String dotted) {
        try {
            return InetAddress.getByAddress(Ipv4.bytes(Ipv4.parse(dotted)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    static InetSocketAddress address(String dotted, int port) {
        return new InetSocketAddress(ip(dotted), port);
    }

    /** A transport for a host with this address: servers listen on it, clients send from it. */
    Transport transport(String name, String hostAddress) {
        return new MemoryTransport(name, ip(hostAddress), false);
    }

    /** A transport whose listenBeside shares the port, the network spreading senders among the endpoints. */
    MemoryTransport sharingTransport(String name, String hostAddress) {
        return new MemoryTransport(name, ip(hostAddress), true);
    }

    void tap(Consumer<Datagram> tap) {
        taps.add(tap);
    }

    /** From now on the network loses the datagrams that match (after the taps saw them): a partition, a dead host. */
    void lose(java.util.function.Predicate<Datagram> matching) {
        lost = matching;
    }

    /** Puts a datagram on the wire as if {@code from} had sent it. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] data) {
        Endpoint target = receiver(from, to);
        if (target != null) target.enqueue(new Datagram(from, to, data.clone()));
    }

    /** The endpoint a datagram from {@code from} to {@code to} arrives at: of endpoints sharing the port, one per sender. */
    private Endpoint receiver(InetSocketAddress from, InetSocketAddress to) {
        Endpoint bound = endpoints.get(to);
        if (bound == null) return null;
        List<Endpoint> sharing = bound.sharing;
        if (sharing.size() < 2) return bound;
        return sharing.get(Math.floorMod(from.hashCode(), sharing.size()));
    }

    /**
     * Whether nothing is on the wire or being handled: every open endpoint's inbox is empty and its reader has
     * come back for more since its last datagrams (the reader processes a batch before it calls receive again).
     */
    boolean quiet() {
        for (Endpoint bound : endpoints.values()) {
            for (Endpoint endpoint : bound.sharing) {
                if (endpoint.closed) continue;
                if (endpoint.unhandled.get() > 0) return false;
            }
        }
        return true;
    }

    /** The endpoint bound to this address, or null. */
    Endpoint endpoint(InetSocketAddress address) {
        return endpoints.get(address);
    }

    private void deliver(InetSocketAddress from, InetSocketAddress to, byte[] data) {
        Datagram datagram = new Datagram(from, to, data);
        for (Consumer<Datagram> tap : taps) tap.accept(datagram);
        if (lost.test(datagram)) return;
        Endpoint target = receiver(from, to);
        if (target != null) target.enqueue(datagram);
    }

    final class MemoryTransport implements Transport {
        private final String name;
        private final InetAddress host;
        private final boolean sharesPorts;
        final List<Endpoint> opened = new CopyOnWriteArrayList<>();

        MemoryTransport(String name, InetAddress host, boolean sharesPorts) {
            this.name = name;
            this.host = host;
            this.sharesPorts = sharesPorts;
        }

        @Override
        public String name() { return name; }

        @Override
        public TransportEndpoint listen(InetSocketAddress local) throws IOException {
            InetAddress bind = local.getAddress() == null || local.getAddress().isAnyLocalAddress() ? host : local.getAddress();
            return open(new InetSocketAddress(bind, local.getPort()), null);
        }

        @Override
        public TransportEndpoint connect(InetSocketAddress remote) throws IOException {
            return open(new InetSocketAddress(host, nextPort.getAndIncrement()), remote);
        }

        @Override
        public TransportEndpoint listenBeside(TransportEndpoint current) throws IOException {
            if (!sharesPorts) return listen(current.localAddress());
            Endpoint holder = endpoints.get(current.localAddress());
            if (holder == null) throw new IOException("nothing is bound to " + current.localAddress());
            Endpoint endpoint = new Endpoint(current.localAddress(), null, holder.sharing);
            holder.sharing.add(endpoint);
            opened.add(endpoint);
            return endpoint;
        }

        private Endpoint open(InetSocketAddress local, InetSocketAddress remote) throws IOException {
            Endpoint endpoint = new Endpoint(local, remote, new CopyOnWriteArrayList<>());
            endpoint.sharing.add(endpoint);
            if (endpoints.putIfAbsent(local, endpoint) != null) {
                throw new java.net.BindException("address in use: " + local);
            }
            opened.add(endpoint);
            return endpoint;
        }

        Endpoint last() {
            return opened.get(opened.size() - 1);
        }
    }

    /** One bound socket. A connected (client) endpoint sends every datagram to its remote address. */
    final class Endpoint implements TransportEndpoint {
        final InetSocketAddress local;
        final InetSocketAddress remote;
        final BlockingQueue<Datagram> inbox = new LinkedBlockingQueue<>();
        final AtomicInteger closes = new AtomicInteger();
        /** The open endpoints bound to this port, this one among them. */
        final List<Endpoint> sharing;
        /** Where the datagrams this endpoint was handed came from, and where it sent its own. */
        final java.util.Set<InetSocketAddress> heardFrom = ConcurrentHashMap.newKeySet();
        final java.util.Set<InetSocketAddress> sentTo = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;
        /** Datagrams queued or taken by the reader and not yet handled (it handles a batch before it receives again). */
        private final AtomicInteger unhandled = new AtomicInteger();
        private int taken;

        Endpoint(InetSocketAddress local, InetSocketAddress remote, List<Endpoint> sharing) {
            this.local = local;
            this.remote = remote;
            this.sharing = sharing;
        }

        boolean isClosed() { return closed; }

        void enqueue(Datagram datagram) {
            heardFrom.add(datagram.from());
            unhandled.incrementAndGet();
            inbox.add(datagram);
        }

        @Override
        public int receive(PacketBatch batch) throws IOException {
            unhandled.addAndGet(-taken);
            taken = 0;
            if (closed) throw new ClosedChannelException();
            Datagram datagram;
            try {
                datagram = inbox.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted in receive");
            }
            if (datagram == CLOSED) {
                inbox.add(CLOSED);
                throw new ClosedChannelException();
            }
            int count = 0;
            place(batch, count++, datagram);
            while (count < batch.capacity() && (datagram = inbox.peek()) != null && datagram != CLOSED) {
                place(batch, count++, inbox.poll());
            }
            batch.setSize(count);
            taken = count;
            return count;
        }

        /** Like UDP into a short buffer: what does not fit is cut off. */
        private void place(PacketBatch batch, int slot, Datagram datagram) {
            int length = Math.min(datagram.data().length, batch.bufferSize() - batch.headroom());
            System.arraycopy(datagram.data(), 0, batch.buffer(slot), batch.headroom(), length);
            batch.set(slot, batch.headroom(), length, datagram.from());
        }

        @Override
        public void send(PacketBatch batch) throws IOException {
            for (int i = 0; i < batch.size(); i++) {
                send(batch.buffer(i), batch.offset(i), batch.length(i), batch.address(i));
            }
        }

        @Override
        public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
            if (closed) throw new ClosedChannelException();
            InetSocketAddress target = remote != null ? remote : to;
            if (target == null) throw new IOException("no destination");
            sentTo.add(target);
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            deliver(local, target, copy);
        }

        @Override
        public InetSocketAddress localAddress() { return local; }

        @Override
        public void close() {
            closes.incrementAndGet();
            if (closed) return;
            closed = true;
            sharing.remove(this);
            // the port stays bound while another endpoint shares it
            if (sharing.isEmpty()) endpoints.remove(local, this);
            else endpoints.replace(local, this, sharing.get(0));
            inbox.add(CLOSED);
        }
    }
}
