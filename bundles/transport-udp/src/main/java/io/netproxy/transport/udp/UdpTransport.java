package io.netproxy.transport.udp;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plain UDP: one datagram on the wire per packet, no framing. */
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
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(local);
        }
        return bind(local);
    }

    @Override
    public TransportEndpoint listenBeside(TransportEndpoint current) throws IOException {
        return bind(current.localAddress());
    }

    private TransportEndpoint bind(InetSocketAddress local) throws IOException {
        DatagramChannel channel = openWithLargeBuffers();
        try {
            // Linux only shares the port between sockets of one user that all set this option.
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            channel.bind(local);
            UdpEndpoint endpoint = new UdpEndpoint(channel, false, (InetSocketAddress) channel.getLocalAddress());
            if (LOG.isDebugEnabled()) {
                LOG.debug("UDP listening on {} ({})", endpoint.localAddress(), socketBuffers(channel));
            }
            return endpoint;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public TransportEndpoint connect(InetSocketAddress remote) throws IOException {
        DatagramChannel channel = openWithLargeBuffers();
        try {
            channel.connect(remote);
            UdpEndpoint endpoint = new UdpEndpoint(channel, true, (InetSocketAddress) channel.getLocalAddress());
            if (LOG.isDebugEnabled()) {
                LOG.debug("UDP {} connected to {} ({})", endpoint.localAddress(), remote, socketBuffers(channel));
            }
            return endpoint;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static DatagramChannel openWithLargeBuffers() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** What the kernel granted: at most net.core.[rw]mem_max, reported doubled by Linux for its bookkeeping. */
    private static String socketBuffers(DatagramChannel channel) throws IOException {
        return "SO_RCVBUF " + channel.getOption(StandardSocketOptions.SO_RCVBUF)
                + ", SO_SNDBUF " + channel.getOption(StandardSocketOptions.SO_SNDBUF)
                + " of " + SOCKET_BUFFER_BYTES + " asked";
    }
}
