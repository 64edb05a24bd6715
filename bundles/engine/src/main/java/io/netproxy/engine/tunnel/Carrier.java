package io.netproxy.engine.tunnel;

import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One open endpoint of a tunnel and the transport it belongs to. A server has one per transport it listens on,
 * a client the one it talks to the server on (and one more while it probes another transport). When a carrier is
 * replaced (a transport swapped or its bundle updated), its successor is set, and sessions that still name the
 * old one send on the successor until their peer's next packet names it itself.
 *
 * <p>A server's carrier may have lanes: more endpoints of its transport on the same port (the transport's
 * {@link Transport#listenBeside}, SO_REUSEPORT for UDP), among which the kernel spreads the peers, each read by a
 * thread of its own, so that receiving and opening use every core. A lane belongs to its carrier: it is replaced and
 * closed with it. A peer is answered on the lane it was heard on, which a stream transport needs (its connection is
 * that lane's).
 */
final class Carrier {
    private final Transport transport;
    private final TransportEndpoint endpoint;
    /** The carrier this is a lane of, or itself. */
    private final Carrier group;
    /** The carrier and its lanes, the carrier first. */
    private final List<Carrier> lanes;
    private volatile Carrier successor;

    Carrier(Transport transport, TransportEndpoint endpoint) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.group = this;
        this.lanes = new CopyOnWriteArrayList<>(List.of(this));
    }

    private Carrier(Carrier group, TransportEndpoint endpoint) {
        this.transport = group.transport;
        this.endpoint = endpoint;
        this.group = group;
        this.lanes = List.of();
    }

    Transport transport() { return transport; }
    TransportEndpoint endpoint() { return endpoint; }

    /** The carrier this is a lane of; itself for a carrier. */
    Carrier group() { return group; }

    /** A lane on {@code laneEndpoint}, an endpoint on this carrier's port. */
    Carrier addLane(TransportEndpoint laneEndpoint) {
        Carrier lane = new Carrier(this, laneEndpoint);
        lanes.add(lane);
        return lane;
    }

    /** Which lane this is: 0 for the carrier itself. */
    int laneIndex() { return group.lanes.indexOf(this); }

    /** This carrier and its lanes (of a lane: none). */
    List<Carrier> lanes() { return lanes; }

    void replacedBy(Carrier next) {
        successor = next;
    }

    /**
     * The carrier that now stands for this one: itself, or the last of its successors. A lane stands for itself
     * until its carrier is replaced.
     */
    Carrier current() {
        if (group != this) return group.successor == null ? this : group.current();
        Carrier carrier = this;
        for (Carrier next = carrier.successor; next != null; next = carrier.successor) carrier = next;
        return carrier;
    }

    @Override
    public String toString() {
        return transport.name() + " " + endpoint.localAddress();
    }
}
