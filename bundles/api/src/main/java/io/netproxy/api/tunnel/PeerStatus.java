package io.netproxy.api.tunnel;

/**
 * A snapshot of one peer of a tunnel.
 *
 * @param publicKey            the peer's static public key (base64)
 * @param endpoint             the peer's latest authenticated underlay address
 * @param tunnelAddress        the peer's address inside the tunnel
 * @param cipher               the negotiated cipher suite
 * @param lastHandshakeEpochMs when the current session was established
 * @param rxBytes              payload bytes received from the peer
 * @param txBytes              payload bytes sent to the peer
 */
public record PeerStatus(String publicKey, String endpoint, String tunnelAddress, String cipher,
                         long lastHandshakeEpochMs, long rxBytes, long txBytes) {
}
