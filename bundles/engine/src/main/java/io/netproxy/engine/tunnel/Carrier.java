package io.netproxy.engine.tunnel;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;

/**
 * One open endpoint of a tunnel and the transport it belongs to. A server has one per transport it listens on,
 * a client the one it talks to the server on (and one more while it probes another transport). When a carrier is
 * replaced (a transport swapped or its bundle updated), its successor is set, and sessions that still name the
 * old one send on the successor until their peer's next packet names it itself.
 */
final class Carrier {
    private final Transport transport;
    private final TransportEndpoint endpoint;
    private volatile Carrier successor;

    Carrier(Transport transport, TransportEndpoint endpoint) {
        this.transport = transport;
        this.endpoint = endpoint;
    }

    Transport transport() { return transport; }
    TransportEndpoint endpoint() { return endpoint; }

    void replacedBy(Carrier next) {
        successor = next;
    }

    /** The carrier that now stands for this one: itself, or the last of its successors. */
    Carrier current() {
        Carrier carrier = this;
        for (Carrier next = carrier.successor; next != null; next = carrier.successor) carrier = next;
        return carrier;
    }

    @Override
    public String toString() {
        return transport.name() + " " + endpoint.localAddress();
    }
}
