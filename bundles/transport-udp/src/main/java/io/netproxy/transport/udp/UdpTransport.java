package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.SocketCalls.SOL_SOCKET;
import static io.netproxy.transport.udp.SocketCalls.SO_RCVBUF;
import static io.netproxy.transport.udp.SocketCalls.SO_REUSEPORT;
import static io.netproxy.transport.udp.SocketCalls.SO_SNDBUF;
import static io.netproxy.transport.udp.SocketCalls.SOL_UDP;
import static io.netproxy.transport.udp.SocketCalls.UDP_SEGMENT;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain UDP: one datagram on the wire per packet, no framing. The sockets are made through libc rather than the
 * JDK's DatagramChannel: recvmmsg and sendmmsg need the descriptor, which the JDK keeps private (reflection into
 * sun.nio.ch), and its close neither wakes a thread blocked in a call it did not make nor waits for it before the
 * descriptor number is free for reuse.
 */
@Component(service = Transport.class,
        property = {Transport.PROPERTY + "=" + UdpTransport.NAME, "service.ranking:Integer=10"})
public final class UdpTransport implements Transport {
    static final String NAME = "udp";

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    /** Room for bursts at line rate; the kernel caps it at net.core.[rw]mem_max, which we never change. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransportEndpoint listen(InetSocketAddress local) throws IOException {
        // Every endpoint allows SO_REUSEPORT so a replacement can bind beside it (listenBeside); that would also
        // let a second server share the port silently, so a fresh listen first checks that the port is free.
        try (UdpSocket probe = UdpSocket.open(SocketAddresses.family(local.getAddress()))) {
            probe.bind(local);
        }
        return bind(local);
    }

    @Override
    public TransportEndpoint listenBeside(TransportEndpoint current) throws IOException {
        return bind(current.localAddress());
    }

    private TransportEndpoint bind(InetSocketAddress local) throws IOException {
        UdpSocket socket = openWithLargeBuffers(local);
        try {
            // Linux only shares the port between sockets of one user that all set this option.
            socket.setOption(SOL_SOCKET, SO_REUSEPORT, 1);
            socket.bind(local);
            UdpEndpoint endpoint = new UdpEndpoint(socket, false, socket.localAddress(), segmentation(socket));
            if (LOG.isDebugEnabled()) {
                LOG.debug("UDP listening on {} ({})", endpoint.localAddress(), capabilities(socket));
            }
            return endpoint;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public TransportEndpoint connect(InetSocketAddress remote) throws IOException {
        UdpSocket socket = openWithLargeBuffers(remote);
        try {
            socket.connect(remote);
            UdpEndpoint endpoint = new UdpEndpoint(socket, true, socket.localAddress(), segmentation(socket));
            if (LOG.isDebugEnabled()) {
                LOG.debug("UDP {} connected to {} ({})", endpoint.localAddress(), remote, capabilities(socket));
            }
            return endpoint;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A socket of the family of {@code address}, the local one of a server or the server's of a client. */
    private static UdpSocket openWithLargeBuffers(InetSocketAddress address) throws IOException {
        if (address.isUnresolved()) {
            throw new IOException("unresolved address " + address);
        }
        UdpSocket socket = UdpSocket.open(SocketAddresses.family(address.getAddress()));
        try {
            socket.setOption(SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER_BYTES);
            socket.setOption(SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER_BYTES);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** UDP GSO came with Linux 4.18; a device that cannot do it is found on the first send it refuses. */
    private static boolean segmentation(UdpSocket socket) throws IOException {
        return socket.hasOption(SOL_UDP, UDP_SEGMENT);
    }

    /**
     * The buffers the kernel granted (at most net.core.[rw]mem_max, reported doubled by Linux for its bookkeeping)
     * and whether it segments.
     */
    private static String capabilities(UdpSocket socket) throws IOException {
        return "SO_RCVBUF " + socket.option(SOL_SOCKET, SO_RCVBUF)
                + ", SO_SNDBUF " + socket.option(SOL_SOCKET, SO_SNDBUF)
                + " of " + SOCKET_BUFFER_BYTES + " asked, UDP GSO " + (segmentation(socket) ? "on" : "unsupported");
    }
}
