package io.netproxy.transport.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One connection to the server, made again with growing pauses (from 100 ms up to {@link Limits#maxBackoff()})
 * whenever it breaks or cannot be made. The session survives: the server finds it by receiver index, so a new
 * connection is a roam. Frames sent while a connection is being made wait in its queue (handshakes always, data
 * within the queue's bound); between a failure and the next attempt they are lost, as UDP would lose them.
 */
final class TcpClientEndpoint extends StreamEndpoint {
    private static final long FIRST_BACKOFF_NANOS = 100_000_000L;

    private final InetSocketAddress server;
    private volatile Connection connection;
    private volatile InetSocketAddress localAddress;
    // guarded by this: a sender that finds the connection broken schedules the next attempt too
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    /** When to try again after a failure, or 0 while a connection is up or being made. */
    private long reconnectAtNanos;

    TcpClientEndpoint(InetSocketAddress server, Selector selector, Limits limits) throws IOException {
        super(selector, limits);
        this.server = server;
        open(System.nanoTime());
    }

    /** Starts a connection attempt; it completes in the receiving thread's selector. */
    private synchronized void open(long now) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            configure(channel);
            // bound first, so the local address is known before the connection is up
            channel.bind(null);
            boolean connectedNow = channel.connect(server);
            Connection opened = new Connection(channel, server, limits, connectedNow, now);
            opened.register(channel.register(selector, connectedNow ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                    opened));
            localAddress = (InetSocketAddress) channel.getLocalAddress();
            connection = opened;
            reconnectAtNanos = 0;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    protected void connected(Connection opened, SelectionKey key) throws IOException {
        super.connected(opened, key);
        log.debug("connected to {} from {}", server, localAddress);
    }

    @Override
    protected void sweep(long now) {
        Connection current = connection;
        if (current != null && !current.isClosed() && !current.heardFrame() && current.timedOut(now)) {
            log.debug("no answer from {} over TCP in time; connecting again", server);
            drop(current);
        }
        synchronized (this) {
            if (reconnectAtNanos == 0 || now - reconnectAtNanos < 0) return;
            try {
                open(now);
            } catch (IOException e) {
                log.debug("connecting to {} failed: {}", server, e.getMessage());
                scheduleReconnect(now);
            }
        }
    }

    @Override
    protected synchronized long untilNextEvent() {
        long sweep = super.untilNextEvent();
        if (reconnectAtNanos == 0) return sweep;
        return Math.max(1, Math.min(sweep, (reconnectAtNanos - System.nanoTime()) / 1_000_000));
    }

    @Override
    protected void drop(Connection broken) {
        broken.close();
        synchronized (this) {
            if (connection != broken) return;
            connection = null;
            if (broken.heardFrame()) backoffNanos = FIRST_BACKOFF_NANOS;
            scheduleReconnect(System.nanoTime());
        }
    }

    private synchronized void scheduleReconnect(long now) {
        if (closed) return;
        reconnectAtNanos = now + backoffNanos;
        if (reconnectAtNanos == 0) reconnectAtNanos = 1;
        backoffNanos = Math.min(backoffNanos * 2, limits.maxBackoff().toNanos());
        // a sender's drop() runs outside the selector; make it reconsider its timeout
        selector.wakeup();
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        Connection current = connection;
        if (current == null) throw new IOException("not connected to " + server + "; connecting again");
        send(current, buf, off, len);
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    protected void closeConnections() {
        Connection current = connection;
        connection = null;
        if (current != null) current.close();
    }
}
