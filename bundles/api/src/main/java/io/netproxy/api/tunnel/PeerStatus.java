package io.netproxy.api.tunnel;

/**
 * A snapshot of one peer of a tunnel, made by the engine with a {@link Builder}, so that later versions can report
 * more without breaking readers.
 */
public final class PeerStatus {
    private final String publicKey;
    private final String endpoint;
    private final String tunnelAddress;
    private final String cipher;
    private final long lastHandshakeEpochMs;
    private final long rxBytes;
    private final long txBytes;
    private final long rxPackets;
    private final long txPackets;

    private PeerStatus(Builder b) {
        this.publicKey = b.publicKey;
        this.endpoint = b.endpoint;
        this.tunnelAddress = b.tunnelAddress;
        this.cipher = b.cipher;
        this.lastHandshakeEpochMs = b.lastHandshakeEpochMs;
        this.rxBytes = b.rxBytes;
        this.txBytes = b.txBytes;
        this.rxPackets = b.rxPackets;
        this.txPackets = b.txPackets;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The peer's static public key (base64), or a label in password mode. */
    public String publicKey() { return publicKey; }

    /** The peer's latest authenticated underlay address and the transport it came on: {@code 192.0.2.7:40001 (udp)}. */
    public String endpoint() { return endpoint; }

    /** The peer's address inside the tunnel. */
    public String tunnelAddress() { return tunnelAddress; }

    /** The cipher suite of the current session, by name. */
    public String cipher() { return cipher; }

    /** When the current session was established (epoch milliseconds). */
    public long lastHandshakeEpochMs() { return lastHandshakeEpochMs; }

    /**
     * Payload bytes received from the peer, over all its sessions (they grow across rekeys): a client's since the
     * tunnel started, a server's since the peer connected (after it timed out, from zero again). The IP packets the
     * tunnel carries; not the protocol's own messages (keepalives, control messages).
     */
    public long rxBytes() { return rxBytes; }

    /** Payload bytes sent to the peer, counted as {@link #rxBytes()} is. */
    public long txBytes() { return txBytes; }

    /** Packets with a payload received from the peer, counted as {@link #rxBytes()} is. @since 1.2 */
    public long rxPackets() { return rxPackets; }

    /** Packets with a payload sent to the peer, counted as {@link #txBytes()} is. @since 1.2 */
    public long txPackets() { return txPackets; }

    @Override
    public String toString() {
        return "PeerStatus[" + publicKey + " at " + endpoint + " " + tunnelAddress + " " + cipher + "]";
    }

    /** Collects a snapshot's parts. Not thread-safe. */
    public static final class Builder {
        private String publicKey;
        private String endpoint;
        private String tunnelAddress;
        private String cipher;
        private long lastHandshakeEpochMs;
        private long rxBytes;
        private long txBytes;
        private long rxPackets;
        private long txPackets;

        private Builder() {}

        public Builder publicKey(String publicKey) { this.publicKey = publicKey; return this; }

        public Builder endpoint(String endpoint) { this.endpoint = endpoint; return this; }

        public Builder tunnelAddress(String tunnelAddress) { this.tunnelAddress = tunnelAddress; return this; }

        public Builder cipher(String cipher) { this.cipher = cipher; return this; }

        public Builder lastHandshakeEpochMs(long epochMs) { this.lastHandshakeEpochMs = epochMs; return this; }

        public Builder rxBytes(long rxBytes) { this.rxBytes = rxBytes; return this; }

        public Builder txBytes(long txBytes) { this.txBytes = txBytes; return this; }

        /** @since 1.2 */
        public Builder rxPackets(long rxPackets) { this.rxPackets = rxPackets; return this; }

        /** @since 1.2 */
        public Builder txPackets(long txPackets) { this.txPackets = txPackets; return this; }

        public PeerStatus build() {
            return new PeerStatus(this);
        }
    }
}
