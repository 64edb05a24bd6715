package io.netproxy.transport.udp;

import io.netproxy.api.Transport;
import io.netproxy.testkit.TransportContract;

/** The contract every transport keeps, on loopback. */
class UdpTransportContractTest extends TransportContract {
    @Override
    protected Transport newTransport() {
        return new UdpTransport();
    }

    /** The largest UDP payload of IPv4 (65,535 minus the IP and UDP headers); loopback's MTU carries it. */
    @Override
    protected int maxDatagramSize() {
        return 65_507;
    }
}
