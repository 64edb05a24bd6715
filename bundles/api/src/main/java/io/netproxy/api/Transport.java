package io.netproxy.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries whole datagrams between peers. Registered with {@code netproxy.transport=<name()>}.
 * A stream transport frames datagrams itself and keeps one connection per peer.
 */
@ConsumerType
public interface Transport {
    String PROPERTY = "netproxy.transport";

    String name();

    /**
     * Opens a server endpoint that receives from and sends to any number of peers.
     *
     * @throws java.net.BindException when the address is in use
     */
    TransportEndpoint listen(InetSocketAddress local) throws IOException;

    /**
     * Opens a server endpoint on the address of {@code current}, which stays open until the caller closes it:
     * make before break when a tunnel moves to this transport. A port held by {@code current} is not an error
     * (implementations share it, e.g. with SO_REUSEPORT, if {@code current} allows). A server also keeps endpoints of
     * one transport open side by side this way, each received by a thread of its own and answering the peers it
     * hears; a transport that cannot share the port throws, and the server receives on one endpoint.
     */
    default TransportEndpoint listenBeside(TransportEndpoint current) throws IOException {
        return listen(current.localAddress());
    }

    /** Opens a client endpoint that talks to one server. */
    TransportEndpoint connect(InetSocketAddress remote) throws IOException;
}
