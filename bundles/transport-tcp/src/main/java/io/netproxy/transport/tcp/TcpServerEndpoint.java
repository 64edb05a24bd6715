package io.netproxy.transport.tcp;

import java.io.IOException;
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
    /** The connection counts this listener shares with those opened beside it. */
    private final Admission admission;

    TcpServerEndpoint(ServerSocketChannel listener, Selector selector, Limits limits, Admission admission)
            throws IOException {
        super(selector, limits);
        this.listener = listener;
        this.admission = admission;
        this.localAddress = (InetSocketAddress) listener.getLocalAddress();
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    @Override
    protected void accept(long now) throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            InetSocketAddress remote = remoteOf(channel);
            String refusal = admission.admit(remote.getAddress());
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
                admission.release(remote.getAddress());
                channel.close();
                throw e;
            }
        }
    }

    /** The counts to share with a listener opened beside this one. */
    Admission admission() {
        return admission;
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
        if (connections.remove(connection.remote(), connection)) admission.release(connection.remote().getAddress());
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
