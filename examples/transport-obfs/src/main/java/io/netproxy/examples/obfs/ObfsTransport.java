package io.netproxy.examples.obfs;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * UDP whose datagrams carry no visible trace of netproxy: see {@link ObfsCodec} for the wire format. It exists only
 * once configured with a key (PID {@value #PID}), and ranks below the built-in transports, so a tunnel uses it only
 * when it names it ({@code --transport obfs}). It is obfuscation against classifiers that look for netproxy's type
 * bytes and message sizes, not security: the tunnel's own handshake and AEAD are what protect the traffic.
 */
@Component(service = Transport.class, configurationPid = ObfsTransport.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {Transport.PROPERTY + "=" + ObfsTransport.NAME, "service.ranking:Integer=0"})
@Designate(ocd = ObfsConfig.class)
public final class ObfsTransport implements Transport {
    static final String NAME = "obfs";
    static final String PID = "io.netproxy.transport.obfs";
    /** Room for bursts at line rate; the kernel caps it at net.core.[rw]mem_max. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final SecretKeySpec key;
    private final int maxPadding;

    @Activate
    public ObfsTransport(ObfsConfig config) throws IOException {
        this(ObfsKey.read(Path.of(config.keyFile())), config.maxPadding());
    }

    ObfsTransport(SecretKeySpec key, int maxPadding) {
        if (maxPadding < 0 || maxPadding > ObfsCodec.MAX_PADDING_LIMIT) {
            throw new IllegalArgumentException("maxPadding must be 0.." + ObfsCodec.MAX_PADDING_LIMIT + ": " + maxPadding);
        }
        this.key = key;
        this.maxPadding = maxPadding;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransportEndpoint listen(InetSocketAddress local) throws IOException {
        // every endpoint allows SO_REUSEPORT for listenBeside; a fresh listen first checks that the port is free
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
        DatagramChannel channel = open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            channel.bind(local);
            return new ObfsEndpoint(channel, false, key, maxPadding);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public TransportEndpoint connect(InetSocketAddress remote) throws IOException {
        DatagramChannel channel = open();
        try {
            channel.connect(remote);
            return new ObfsEndpoint(channel, true, key, maxPadding);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static DatagramChannel open() throws IOException {
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
}
