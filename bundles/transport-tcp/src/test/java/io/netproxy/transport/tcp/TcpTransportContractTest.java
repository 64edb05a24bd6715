package io.netproxy.transport.tcp;

import io.netproxy.api.Transport;
import io.netproxy.testkit.TransportContract;

/** The contract every transport keeps, on loopback. */
class TcpTransportContractTest extends TransportContract {
    @Override
    protected Transport newTransport() {
        return new TcpTransport();
    }

    /** The framing's limit (PROTOCOL.md section 14.2). */
    @Override
    protected int maxDatagramSize() {
        return Framing.MAX_DATAGRAM;
    }
}
