package io.netproxy.api.tunnel;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one tunnel, made by the engine with a {@link Builder}, so that later versions can report more
 * without breaking readers.
 */
public final class TunnelStatus {
    private final String name;
    private final TunnelSpec.Role role;
    private final String state;
    private final String tunInterface;
    private final String tunAddress;
    private final String endpoint;
    private final String transport;
    private final String tunBackend;
    private final String netconf;
    private final String publicKey;
    private final List<PeerStatus> peers;
    private final Map<String, Long> counters;
    private final List<String> network;
    private final Histogram handshakeSeconds;

    private TunnelStatus(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.role = Objects.requireNonNull(b.role, "role");
        this.state = b.state;
        this.tunInterface = b.tunInterface;
        this.tunAddress = b.tunAddress;
        this.endpoint = b.endpoint;
        this.transport = b.transport;
        this.tunBackend = b.tunBackend;
        this.netconf = b.netconf;
        this.publicKey = b.publicKey;
        this.peers = List.copyOf(b.peers);
        this.counters = Map.copyOf(b.counters);
        this.network = List.copyOf(b.network);
        this.handshakeSeconds = Objects.requireNonNull(b.handshakeSeconds, "handshakeSeconds");
    }

    public static Builder builder(String name, TunnelSpec.Role role) {
        return new Builder(name, role);
    }

    public String name() { return name; }

    public TunnelSpec.Role role() { return role; }

    /** For example {@code listening}, {@code connected}, {@code reconnecting}. */
    public String state() { return state; }

    /** The TUN device's name, or null before it exists. */
    public String tunInterface() { return tunInterface; }

    /** This side's tunnel address in CIDR notation, or null before it is known. */
    public String tunAddress() { return tunAddress; }

    /** The local (server) or remote (client) underlay endpoint. */
    public String endpoint() { return endpoint; }

    /** The transport in use by name; a server on several says them all ({@code udp+tcp}). */
    public String transport() { return transport; }

    /** The TUN backend in use by name. */
    public String tunBackend() { return tunBackend; }

    /** The network configurator in use by name. */
    public String netconf() { return netconf; }

    /** This side's public key (base64), or null in password mode. */
    public String publicKey() { return publicKey; }

    /** The connected peers; each names its cipher suite. */
    public List<PeerStatus> peers() { return peers; }

    /**
     * Packet and byte counters, drops by reason. Keys: {@code rx.packets}, {@code rx.bytes}, {@code tx.packets},
     * {@code tx.bytes}, {@code handshakes} (completed), {@code send-errors}, {@code drop.REASON} (dropped packets) and,
     * since 1.2, {@code handshake-failed.REASON} (handshakes that did not complete, by the reason they stopped). A
     * reason is a short token such as {@code replay} or {@code bad-mac1}; later versions may add keys.
     */
    public Map<String, Long> counters() { return counters; }

    /** The host changes in force, one line each. */
    public List<String> network() { return network; }

    /**
     * How long completed handshakes took: a client from sending its initiation to accepting the response, a server
     * from receiving an initiation to sending its response. Empty when the engine does not measure it.
     *
     * @since 1.2
     */
    public Histogram handshakeSeconds() { return handshakeSeconds; }

    @Override
    public String toString() {
        return "TunnelStatus[" + name + " " + role + " " + state + " " + tunInterface + " " + tunAddress + " " + endpoint
                + " " + transport + "/" + tunBackend + "/" + netconf + " peers=" + peers + "]";
    }

    /** Collects a snapshot's parts. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final TunnelSpec.Role role;
        private String state;
        private String tunInterface;
        private String tunAddress;
        private String endpoint;
        private String transport;
        private String tunBackend;
        private String netconf;
        private String publicKey;
        private List<PeerStatus> peers = List.of();
        private Map<String, Long> counters = Map.of();
        private List<String> network = List.of();
        private Histogram handshakeSeconds = Histogram.empty();

        private Builder(String name, TunnelSpec.Role role) {
            this.name = name;
            this.role = role;
        }

        public Builder state(String state) { this.state = state; return this; }

        public Builder tunInterface(String tunInterface) { this.tunInterface = tunInterface; return this; }

        public Builder tunAddress(String tunAddress) { this.tunAddress = tunAddress; return this; }

        public Builder endpoint(String endpoint) { this.endpoint = endpoint; return this; }

        public Builder transport(String transport) { this.transport = transport; return this; }

        public Builder tunBackend(String tunBackend) { this.tunBackend = tunBackend; return this; }

        public Builder netconf(String netconf) { this.netconf = netconf; return this; }

        public Builder publicKey(String publicKey) { this.publicKey = publicKey; return this; }

        public Builder peers(List<PeerStatus> peers) { this.peers = peers; return this; }

        public Builder counters(Map<String, Long> counters) { this.counters = counters; return this; }

        public Builder network(List<String> network) { this.network = network; return this; }

        /** @since 1.2 */
        public Builder handshakeSeconds(Histogram handshakeSeconds) {
            this.handshakeSeconds = handshakeSeconds;
            return this;
        }

        public TunnelStatus build() {
            return new TunnelStatus(this);
        }
    }
}
