package io.netproxy.transport.tcp;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server and client endpoints share: one selector that the engine's receiving thread runs inside
 * {@link #receive}, so connections cost no thread of their own; frames parsed straight into the caller's batch;
 * a sweep of timed-out connections once a second.
 */
abstract class StreamEndpoint implements TransportEndpoint {
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final Selector selector;
    protected final Limits limits;
    /** Connections with a whole frame buffered, in the order they became ready; receiving thread only. */
    private final ArrayDeque<Connection> ready = new ArrayDeque<>();
    private long nextSweepNanos;
    protected volatile boolean closed;

    StreamEndpoint(Selector selector, Limits limits) {
        this.selector = selector;
        this.limits = limits;
    }

    @Override
    public final int receive(PacketBatch batch) throws IOException {
        batch.clear();
        try {
            while (true) {
                int count = drainReady(batch);
                if (count > 0) {
                    batch.setSize(count);
                    return count;
                }
                if (closed) throw new AsynchronousCloseException();
                selector.select(untilNextEvent());
                long now = System.nanoTime();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid()) handle(key, now);
                }
                if (now - nextSweepNanos >= 0) {
                    nextSweepNanos = now + SWEEP_INTERVAL_NANOS;
                    sweep(now);
                }
            }
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        }
    }

    /** Milliseconds the selector may wait: until the next sweep, or for a client, its next reconnect. */
    protected long untilNextEvent() {
        return Math.max(1, (nextSweepNanos - System.nanoTime()) / 1_000_000);
    }

    private int drainReady(PacketBatch batch) {
        int count = 0;
        long now = System.nanoTime();
        while (count < batch.capacity() && !ready.isEmpty()) {
            Connection connection = ready.peek();
            try {
                if (!connection.isClosed() && connection.hasFrame()) {
                    connection.takeFrame(batch, count++, now);
                    if (connection.hasFrame()) continue;
                }
            } catch (IOException e) {
                log.debug("{}", e.getMessage());
                drop(connection);
            }
            ready.poll();
        }
        return count;
    }

    private void handle(SelectionKey key, long now) throws IOException {
        if (key.isAcceptable()) {
            accept(now);
            return;
        }
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isConnectable()) {
                connection.channel().finishConnect();
                connected(connection, key);
            }
            if (key.isValid() && key.isWritable()) connection.flush();
            if (key.isValid() && key.isReadable()) {
                if (!connection.read()) {
                    log.debug("{} closed the connection", connection.remote());
                    drop(connection);
                } else if (connection.hasFrame()) {
                    // ready is empty whenever the selector runs: receive() drains it first
                    ready.add(connection);
                }
            }
        } catch (IOException e) {
            log.debug("connection with {}: {}", connection.remote(), e.getMessage());
            drop(connection);
        }
    }

    /** A server's listening socket has a connection to accept. */
    protected void accept(long now) throws IOException {}

    /** A client's connection attempt succeeded. */
    protected void connected(Connection connection, SelectionKey key) throws IOException {
        key.interestOps(SelectionKey.OP_READ);
        connection.connected();
    }

    /** Closes connections that outstayed their limits; a client also reconnects. Receiving thread. */
    protected abstract void sweep(long now);

    /** Closes a connection and forgets it; any thread. */
    protected abstract void drop(Connection connection);

    /** Sends on a connection; one that failed for another reason than a full queue is dropped. */
    protected final void send(Connection connection, byte[] buf, int off, int len) throws IOException {
        try {
            connection.send(buf, off, len);
        } catch (QueueFullException e) {
            throw e;
        } catch (IOException e) {
            drop(connection);
            throw e;
        }
    }

    @Override
    public final void send(PacketBatch batch) throws IOException {
        for (int slot = 0; slot < batch.size(); slot++) {
            send(batch.buffer(slot), batch.offset(slot), batch.length(slot), batch.address(slot));
        }
    }

    @Override
    public final int overhead() {
        return Framing.HEADER_BYTES;
    }

    /** Latency matters more than segment count: a datagram waits for no other. */
    static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    static InetSocketAddress remoteOf(SocketChannel channel) throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    /** Wakes the receiving thread, which then throws an {@link AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        closed = true;
        closeConnections();
        // deregisters the channels, which only then free their sockets, and wakes a thread in select()
        selector.close();
    }

    protected abstract void closeConnections() throws IOException;
}
