package io.netproxy.transport.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listening socket and the connections it accepted, one per peer address. A datagram for a peer goes out on
 * the connection it came in on; a peer that reconnects has a new address, which the engine adopts at its next
 * authenticated message (roaming).
 */
final class TcpServerEndpoint extends StreamEndpoint {
    private final ServerSocketChannel listener;
    private final InetSocketAddress localAddress;
    private final Map<InetSocketAddress, Connection> connections = new ConcurrentHashMap<>();
    /** Connections per source address; receiving thread, and drop() from senders, so synchronized on itself. */
    private final Map<InetAddress, Integer> perSource = new ConcurrentHashMap<>();

    TcpServerEndpoint(ServerSocketChannel listener, Selector selector, Limits limits) throws IOException {
        super(selector, limits);
        this.listener = listener;
        this.localAddress = (InetSocketAddress) listener.getLocalAddress();
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    @Override
    protected void accept(long now) throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            InetSocketAddress remote = remoteOf(channel);
            String refusal = admit(remote.getAddress());
            if (refusal != null) {
                log.debug("refused a connection from {}: {}", remote, refusal);
                // a reset, not a FIN: the peer learns at once, and no TIME_WAIT is left here
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.close();
                continue;
            }
            try {
                configure(channel);
                Connection connection = new Connection(channel, remote, limits, true, now);
                connection.register(channel.register(selector, SelectionKey.OP_READ, connection));
                connections.put(remote, connection);
            } catch (IOException e) {
                release(remote.getAddress());
                channel.close();
                throw e;
            }
        }
    }

    /** Counts the connection in, or says which limit refuses it. */
    private String admit(InetAddress source) {
        if (connections.size() >= limits.total()) return limits.total() + " connections open, the most allowed";
        synchronized (perSource) {
            int held = perSource.getOrDefault(source, 0);
            if (held >= limits.perSource()) return held + " connections from that address, the most allowed";
            perSource.put(source, held + 1);
        }
        return null;
    }

    private void release(InetAddress source) {
        synchronized (perSource) {
            perSource.computeIfPresent(source, (address, held) -> held > 1 ? held - 1 : null);
        }
    }

    @Override
    protected void sweep(long now) {
        for (Connection connection : connections.values()) {
            if (connection.timedOut(now)) {
                log.debug("closing the connection from {}: {}", connection.remote(),
                        connection.heardFrame() ? "idle" : "no whole frame in time");
                drop(connection);
            }
        }
    }

    @Override
    protected void drop(Connection connection) {
        if (connections.remove(connection.remote(), connection)) release(connection.remote().getAddress());
        connection.close();
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        Connection connection = connections.get(to);
        if (connection == null) throw new IOException("no connection from " + to + " (closed, or not yet reconnected)");
        send(connection, buf, off, len);
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Open connections; for tests and status. */
    int connectionCount() {
        return connections.size();
    }

    @Override
    protected void closeConnections() throws IOException {
        try {
            listener.close();
        } finally {
            connections.values().forEach(this::drop);
        }
    }
}
