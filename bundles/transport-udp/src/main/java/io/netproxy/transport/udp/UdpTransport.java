package io.netproxy.transport.udp;

import static io.netproxy.transport.udp.SocketCalls.SOL_SOCKET;
import static io.netproxy.transport.udp.SocketCalls.SO_RCVBUF;
import static io.netproxy.transport.udp.SocketCalls.SO_REUSEPORT;
import static io.netproxy.transport.udp.SocketCalls.SO_SNDBUF;
import static io.netproxy.transport.udp.SocketCalls.SOL_UDP;
import static io.netproxy.transport.udp.SocketCalls.UDP_GRO;
import static io.netproxy.transport.udp.SocketCalls.UDP_SEGMENT;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
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
    private static final InetAddress IPV6_ANY = ipv6Any();

    static final String NAME = "udp";

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    /** Room for bursts at line rate; the kernel caps it at net.core.[rw]mem_max, which we never change. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransportEndpoint listen(InetSocketAddress requested) throws IOException {
        InetSocketAddress local = everyFamily(requested);
        // Every endpoint allows SO_REUSEPORT so a replacement can bind beside it (listenBeside); that would also
        // let a second server share the port silently, so a fresh listen first checks that the port is free.
        try (UdpSocket probe = UdpSocket.open(SocketAddresses.family(local.getAddress()))) {
            probe.bind(local);
        }
        return bind(local);
    }

    /**
     * The IPv4 wildcard (a server that names no address) stands for every address, as for the TCP transport's
     * listener: the IPv6 wildcard, whose dual-stack socket takes IPv4 peers too, where the host has IPv6 at all.
     */
    static InetSocketAddress everyFamily(InetSocketAddress requested) {
        if (!(requested.getAddress() instanceof Inet4Address) || !requested.getAddress().isAnyLocalAddress()) return requested;
        try (UdpSocket ipv6 = UdpSocket.open(SocketCalls.AF_INET6)) {
            return new InetSocketAddress(IPV6_ANY, requested.getPort());
        } catch (IOException noIpv6) {
            return requested; // IPv6 is disabled in this kernel (ipv6.disable=1)
        }
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
            UdpEndpoint endpoint = endpoint(socket, false);
            LOG.debug("UDP listening on {}", endpoint.localAddress());
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
            UdpEndpoint endpoint = endpoint(socket, true);
            LOG.debug("UDP {} connected to {}", endpoint.localAddress(), remote);
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

    /**
     * An endpoint on the socket with what its kernel offers: UDP GSO (Linux 4.18; a device that cannot do it is found
     * on the first send it refuses) and UDP GRO (Linux 5.0).
     */
    private static UdpEndpoint endpoint(UdpSocket socket, boolean connected) throws IOException {
        boolean segmentation = socket.hasOption(SOL_UDP, UDP_SEGMENT);
        boolean coalescing;
        try {
            socket.setOption(SOL_UDP, UDP_GRO, 1);
            coalescing = true;
        } catch (SocketException e) {
            coalescing = false;
        }
        if (LOG.isDebugEnabled()) {
            // the buffers are at most net.core.[rw]mem_max, and reported doubled by Linux for its bookkeeping
            LOG.debug("UDP socket: SO_RCVBUF {}, SO_SNDBUF {} of {} asked, UDP GSO {}, UDP GRO {}",
                    socket.option(SOL_SOCKET, SO_RCVBUF), socket.option(SOL_SOCKET, SO_SNDBUF), SOCKET_BUFFER_BYTES,
                    segmentation ? "on" : "unsupported", coalescing ? "on" : "unsupported");
        }
        return new UdpEndpoint(socket, connected, socket.localAddress(), segmentation, coalescing);
    }

    private static InetAddress ipv6Any() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
    }
}
