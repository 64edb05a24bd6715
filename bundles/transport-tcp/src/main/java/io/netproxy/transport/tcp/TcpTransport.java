package io.netproxy.transport.tcp;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.osgi.service.component.annotations.Component;

/**
 * Datagrams framed on TCP (see {@link Framing}), for networks that block or throttle UDP. Ranked below UDP: a
 * tunnel that names no transport uses it beside UDP (a server listens on both) or as the fallback (a client).
 */
@Component(service = Transport.class,
        property = {Transport.PROPERTY + "=" + TcpTransport.NAME, "service.ranking:Integer=5"})
public final class TcpTransport implements Transport {
    static final String NAME = "tcp";
    /** Connections the kernel queues while the receiving thread is busy. */
    private static final int BACKLOG = 128;

    private final Limits limits;

    public TcpTransport() {
        this(Limits.DEFAULTS);
    }

    TcpTransport(Limits limits) {
        this.limits = limits;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransportEndpoint listen(InetSocketAddress local) throws IOException {
        // Every listener allows SO_REUSEPORT so a replacement can bind beside it (listenBeside); a fresh listen first
        // checks that nobody listens there, since the option would otherwise let a second server share the port. The
        // probe is bound but does not listen: a process this JVM spawns at that moment (another tunnel's ip or nft)
        // holds a copy of it until the child has started, and a listening copy would refuse the listener's bind.
        try (SocketChannel probe = SocketChannel.open()) {
            // connections of an earlier server in TIME_WAIT do not make the port busy; a listener does
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(local);
        }
        return bind(local, new Admission(limits));
    }

    /** Shares the port, and with a listener of this bundle also its connection counts (see {@link Admission}). */
    @Override
    public TransportEndpoint listenBeside(TransportEndpoint current) throws IOException {
        Admission shared = current instanceof TcpServerEndpoint beside ? beside.admission() : new Admission(limits);
        return bind(current.localAddress(), shared);
    }

    private TransportEndpoint bind(InetSocketAddress local, Admission admission) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector = null;
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            listener.bind(local, BACKLOG);
            selector = Selector.open();
            return new TcpServerEndpoint(listener, selector, limits, admission);
        } catch (IOException | RuntimeException e) {
            listener.close();
            if (selector != null) selector.close();
            throw e;
        }
    }

    @Override
    public TransportEndpoint connect(InetSocketAddress remote) throws IOException {
        Selector selector = Selector.open();
        try {
            return new TcpClientEndpoint(remote, selector, limits);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }
}
