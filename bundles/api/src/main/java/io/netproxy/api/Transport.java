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

    /** Opens a server endpoint that receives from and sends to any number of peers. */
    TransportEndpoint listen(InetSocketAddress local) throws IOException;

    /** Opens a client endpoint that talks to one server. */
    TransportEndpoint connect(InetSocketAddress remote) throws IOException;
}
