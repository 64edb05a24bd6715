package io.netproxy.api.tunnel;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to start one tunnel. Secrets are held as arrays so the caller can wipe them;
 * {@link #toString()} never shows them.
 *
 * @param name            unique tunnel name, also used for the TUN device label and the netconf journal
 * @param role            server or client
 * @param host            client: server host name or address; server: address to bind, or null for all
 * @param port            UDP/TCP port (default 6767)
 * @param password        password mode: the shared password (null in key mode)
 * @param privateKey      key mode: this side's X25519 private key (null in password mode)
 * @param peerPublicKeys  key mode: server: allowed client public keys; client: the server's public key
 * @param pool            server: CIDR of the client address pool; the server takes the address written
 *                        with host bits ({@code 10.8.0.254/24}), else the first one
 * @param egress          server: interface to NAT out of, or null to take the default route's
 * @param routes          client: CIDRs through the tunnel; empty means what the server pushes (default all)
 * @param pushRoutes      server: routes pushed to clients (empty means 0.0.0.0/0)
 * @param dns             server: DNS servers pushed to clients
 * @param mtu             TUN MTU, 0 for the default
 * @param tunName         TUN device name, or null for a generated one
 * @param transport       transport name; null or {@code auto} for the automatic policy: a server listens on UDP
 *                        and TCP, a client starts on UDP and falls back to TCP (the highest ranked transport
 *                        when neither is installed)
 * @param tunBackend      TUN backend name, or null for the highest ranked
 * @param netconf         network configurator name, or null for the highest ranked
 * @param ciphers         acceptable cipher suite names in order of preference; empty means all installed
 * @param handshakeTimeoutSeconds client: give up connecting after this long (0 means 20)
 */
public record TunnelSpec(String name, Role role, String host, int port, char[] password, byte[] privateKey,
                         List<byte[]> peerPublicKeys, String pool, String egress, List<String> routes, List<String> pushRoutes,
                         List<String> dns, int mtu, String tunName, String transport, String tunBackend,
                         String netconf, List<String> ciphers, int handshakeTimeoutSeconds) {

    public enum Role { SERVER, CLIENT }

    public static final int DEFAULT_PORT = 6767;

    public TunnelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        if (!name.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("tunnel name must be 1-32 of A-Z a-z 0-9 _ . -: " + name);
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range 1..65535: " + port);
        if ((password == null) == (privateKey == null)) {
            throw new IllegalArgumentException("give exactly one of a password or a private key");
        }
        if (role == Role.CLIENT && (host == null || host.isBlank())) {
            throw new IllegalArgumentException("a client needs the server's host");
        }
        peerPublicKeys = peerPublicKeys == null ? List.of() : List.copyOf(peerPublicKeys);
        routes = routes == null ? List.of() : List.copyOf(routes);
        pushRoutes = pushRoutes == null ? List.of() : List.copyOf(pushRoutes);
        dns = dns == null ? List.of() : List.copyOf(dns);
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
    }

    /** Overwrites the secrets held by this spec. */
    public void wipe() {
        if (password != null) Arrays.fill(password, '\0');
        if (privateKey != null) Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "TunnelSpec[" + name + " " + role + " " + (host == null ? "*" : host) + ":" + port
                + (password != null ? " password" : " key") + " pool=" + pool + " routes=" + routes + "]";
    }
}
