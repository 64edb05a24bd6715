package io.netproxy.api.tunnel;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to start one tunnel, made with a {@link Builder} so that settings can be added in a minor
 * version. Secrets are held as arrays so the caller can {@link #wipe()} them; {@link #toString()} never shows
 * them. Immutable apart from that.
 */
public final class TunnelSpec {
    public enum Role { SERVER, CLIENT }

    public static final int DEFAULT_PORT = 6767;

    private final String name;
    private final Role role;
    private final String host;
    private final int port;
    private final char[] password;
    private final byte[] passwordCredential;
    private final byte[] privateKey;
    private final List<byte[]> peerPublicKeys;
    private final String pool;
    private final String pool6;
    private final String egress;
    private final List<String> routes;
    private final List<String> pushRoutes;
    private final List<String> dns;
    private final List<String> dnsSearch;
    private final boolean noDns;
    private final boolean killSwitch;
    private final boolean allowLan;
    private final int mtu;
    private final String tunName;
    private final String transport;
    private final String tunBackend;
    private final String netconf;
    private final List<String> ciphers;
    private final int handshakeTimeoutSeconds;

    private TunnelSpec(Builder b) {
        Objects.requireNonNull(b.name, "name");
        Objects.requireNonNull(b.role, "role");
        if (!b.name.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("tunnel name must be 1-32 of A-Z a-z 0-9 _ . -: " + b.name);
        }
        if (b.port < 1 || b.port > 65535) throw new IllegalArgumentException("port out of range 1..65535: " + b.port);
        if ((b.password != null ? 1 : 0) + (b.passwordCredential != null ? 1 : 0) + (b.privateKey != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("give exactly one of a password, a password credential or a private key");
        }
        if (b.passwordCredential != null && b.role != Role.SERVER) {
            throw new IllegalArgumentException("a password credential is a server's; a client gives the password");
        }
        if ((b.password != null || b.passwordCredential != null) && b.role == Role.SERVER && !b.peerPublicKeys.isEmpty()) {
            throw new IllegalArgumentException("client keys are for key mode: a password-mode server takes any client"
                    + " that has the password");
        }
        if (b.role == Role.CLIENT && (b.host == null || b.host.isBlank())) {
            throw new IllegalArgumentException("a client needs the server's host");
        }
        if (b.pool6 != null && b.role != Role.SERVER) throw new IllegalArgumentException("an IPv6 pool is for servers");
        if (b.killSwitch && b.role != Role.CLIENT) throw new IllegalArgumentException("a kill switch is for clients");
        if (b.allowLan && !b.killSwitch) throw new IllegalArgumentException("allowing the LAN needs the kill switch");
        if (!b.dnsSearch.isEmpty() && (b.role != Role.SERVER || b.dns.isEmpty())) {
            throw new IllegalArgumentException("search domains are pushed by a server, with its DNS servers");
        }
        io.netproxy.api.NetworkPlan.checkSearchDomains(b.dnsSearch);
        this.name = b.name;
        this.role = b.role;
        this.host = b.host;
        this.port = b.port;
        this.password = b.password;
        this.passwordCredential = b.passwordCredential;
        this.privateKey = b.privateKey;
        this.peerPublicKeys = List.copyOf(b.peerPublicKeys);
        this.pool = b.pool;
        this.pool6 = b.pool6;
        this.egress = b.egress;
        this.routes = List.copyOf(b.routes);
        this.pushRoutes = List.copyOf(b.pushRoutes);
        this.dns = List.copyOf(b.dns);
        this.dnsSearch = List.copyOf(b.dnsSearch);
        this.noDns = b.noDns;
        this.killSwitch = b.killSwitch;
        this.allowLan = b.allowLan;
        this.mtu = b.mtu;
        this.tunName = b.tunName;
        this.transport = b.transport;
        this.tunBackend = b.tunBackend;
        this.netconf = b.netconf;
        this.ciphers = List.copyOf(b.ciphers);
        this.handshakeTimeoutSeconds = b.handshakeTimeoutSeconds;
    }

    /** A builder for a tunnel of this name and role; every other setting has a default. */
    public static Builder builder(String name, Role role) {
        return new Builder(name, role);
    }

    /** A builder holding this spec's settings (and the same secret arrays), to derive a changed spec. */
    public Builder toBuilder() {
        Builder b = new Builder(name, role);
        b.host = host;
        b.port = port;
        b.password = password;
        b.passwordCredential = passwordCredential;
        b.privateKey = privateKey;
        b.peerPublicKeys = peerPublicKeys;
        b.pool = pool;
        b.pool6 = pool6;
        b.egress = egress;
        b.routes = routes;
        b.pushRoutes = pushRoutes;
        b.dns = dns;
        b.dnsSearch = dnsSearch;
        b.noDns = noDns;
        b.killSwitch = killSwitch;
        b.allowLan = allowLan;
        b.mtu = mtu;
        b.tunName = tunName;
        b.transport = transport;
        b.tunBackend = tunBackend;
        b.netconf = netconf;
        b.ciphers = ciphers;
        b.handshakeTimeoutSeconds = handshakeTimeoutSeconds;
        return b;
    }

    /** Unique tunnel name, also used for the TUN device label and the netconf journal. */
    public String name() { return name; }

    public Role role() { return role; }

    /** Client: server host name or address; server: address to bind, or null for all. */
    public String host() { return host; }

    /** UDP/TCP port, {@link #DEFAULT_PORT} unless set. */
    public int port() { return port; }

    /** Password mode: the shared password (null in key mode, and for a server started from a credential). */
    public char[] password() { return password; }

    /**
     * Password mode, server: what {@link TunnelService#newPasswordCredential} made, in place of the password, so that the
     * server never holds the password itself; null otherwise.
     *
     * @since 1.3
     */
    public byte[] passwordCredential() { return passwordCredential; }

    /** Whether the tunnel authenticates with a password (given, or as a server's credential) rather than keys. @since 1.3 */
    public boolean passwordMode() { return password != null || passwordCredential != null; }

    /** Key mode: this side's X25519 private key (null in password mode). */
    public byte[] privateKey() { return privateKey; }

    /**
     * Key mode: server: allowed client public keys; client: the server's public key. Password mode: a client's pinned
     * server key, when given (the server must have it, whatever its parameters say); a server has none.
     */
    public List<byte[]> peerPublicKeys() { return peerPublicKeys; }

    /**
     * Server: CIDR of the client address pool; the server takes the address written with host bits
     * ({@code 10.8.0.254/24}), else the first one.
     */
    public String pool() { return pool; }

    /**
     * Server: the IPv6 prefix the tunnel carries IPv6 in ({@code 2001:db8:7e::/64}), or null for IPv4 only. Each
     * address in it is the prefix plus the host part of an IPv4 one of {@link #pool()}: a client's IPv6 address follows
     * its IPv4 lease and the server's follows its own.
     *
     * @since 1.2
     */
    public String pool6() { return pool6; }

    /** Server: interface to NAT out of, or null to take the default route's. */
    public String egress() { return egress; }

    /** Client: CIDRs through the tunnel; empty means what the server pushes (default all). */
    public List<String> routes() { return routes; }

    /** Server: routes pushed to clients (empty means 0.0.0.0/0). */
    public List<String> pushRoutes() { return pushRoutes; }

    /** Server: DNS servers pushed to clients. */
    public List<String> dns() { return dns; }

    /**
     * Server: DNS search domains pushed to clients with its DNS servers: a client resolves a short name such as
     * {@code wiki} as {@code wiki.corp.example} through them, and (with systemd-resolved) sends every name in these
     * domains to them. See {@link io.netproxy.api.NetworkPlan#checkSearchDomains} for what a domain may be.
     *
     * @since 1.2
     */
    public List<String> dnsSearch() { return dnsSearch; }

    /**
     * Client: keep the host's DNS settings, leaving the DNS servers the server pushes unused; false (the default)
     * applies them while the tunnel runs.
     *
     * @since 1.1
     */
    public boolean noDns() { return noDns; }

    /**
     * Client: from the moment the tunnel is configured until it is stopped (or {@code cleanup} runs after its process
     * died), the host drops what would leave it outside the tunnel, except to the server and, with {@link #allowLan()},
     * the local networks.
     *
     * @since 1.1
     */
    public boolean killSwitch() { return killSwitch; }

    /** Client, with {@link #killSwitch()}: the directly connected networks stay reachable. @since 1.1 */
    public boolean allowLan() { return allowLan; }

    /** TUN MTU, 0 for the default. */
    public int mtu() { return mtu; }

    /** TUN device name, or null for a generated one. */
    public String tunName() { return tunName; }

    /**
     * Transport name; null or {@code auto} for the automatic policy: a server listens on UDP and TCP, a client starts
     * on UDP and falls back to TCP (the highest ranked transport when neither is installed).
     */
    public String transport() { return transport; }

    /** TUN backend name, or null for the highest ranked. */
    public String tunBackend() { return tunBackend; }

    /** Network configurator name, or null for the highest ranked. */
    public String netconf() { return netconf; }

    /** Acceptable cipher suite names in order of preference; empty means all installed. */
    public List<String> ciphers() { return ciphers; }

    /** Client: give up connecting after this long (0 means 20). */
    public int handshakeTimeoutSeconds() { return handshakeTimeoutSeconds; }

    /** Overwrites the secrets held by this spec. */
    public void wipe() {
        if (password != null) Arrays.fill(password, '\0');
        if (passwordCredential != null) Arrays.fill(passwordCredential, (byte) 0);
        if (privateKey != null) Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "TunnelSpec[" + name + " " + role + " " + (host == null ? "*" : host) + ":" + port
                + (password != null ? " password" : passwordCredential != null ? " password-credential" : " key") + " pool=" + pool + (pool6 != null ? " pool6=" + pool6 : "") + " routes=" + routes + "]";
    }

    /** Collects a spec's settings; {@link #build()} checks them together. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Role role;
        private String host;
        private int port = DEFAULT_PORT;
        private char[] password;
        private byte[] passwordCredential;
        private byte[] privateKey;
        private List<byte[]> peerPublicKeys = List.of();
        private String pool;
        private String pool6;
        private String egress;
        private List<String> routes = List.of();
        private List<String> pushRoutes = List.of();
        private List<String> dns = List.of();
        private List<String> dnsSearch = List.of();
        private boolean noDns;
        private boolean killSwitch;
        private boolean allowLan;
        private int mtu;
        private String tunName;
        private String transport;
        private String tunBackend;
        private String netconf;
        private List<String> ciphers = List.of();
        private int handshakeTimeoutSeconds;

        private Builder(String name, Role role) {
            this.name = name;
            this.role = role;
        }

        public Builder host(String host) { this.host = host; return this; }

        public Builder port(int port) { this.port = port; return this; }

        /** The array is kept, not copied, so that {@link TunnelSpec#wipe()} clears the caller's secret. */
        public Builder password(char[] password) { this.password = password; return this; }

        /**
         * A server's password credential ({@link TunnelService#newPasswordCredential}) in place of the password. The array
         * is kept, not copied, so that {@link TunnelSpec#wipe()} clears the caller's secret.
         *
         * @since 1.3
         */
        public Builder passwordCredential(byte[] credential) { this.passwordCredential = credential; return this; }

        /** The array is kept, not copied, so that {@link TunnelSpec#wipe()} clears the caller's secret. */
        public Builder privateKey(byte[] privateKey) { this.privateKey = privateKey; return this; }

        public Builder peerPublicKeys(List<byte[]> keys) { this.peerPublicKeys = orEmpty(keys); return this; }

        public Builder pool(String pool) { this.pool = pool; return this; }

        /** @since 1.2 */
        public Builder pool6(String pool6) { this.pool6 = pool6; return this; }

        public Builder egress(String egress) { this.egress = egress; return this; }

        public Builder routes(List<String> routes) { this.routes = orEmpty(routes); return this; }

        public Builder pushRoutes(List<String> routes) { this.pushRoutes = orEmpty(routes); return this; }

        public Builder dns(List<String> dns) { this.dns = orEmpty(dns); return this; }

        /** @since 1.2 */
        public Builder dnsSearch(List<String> domains) { this.dnsSearch = orEmpty(domains); return this; }

        /** @since 1.1 */
        public Builder noDns(boolean noDns) { this.noDns = noDns; return this; }

        /** @since 1.1 */
        public Builder killSwitch(boolean killSwitch) { this.killSwitch = killSwitch; return this; }

        /** @since 1.1 */
        public Builder allowLan(boolean allowLan) { this.allowLan = allowLan; return this; }

        public Builder mtu(int mtu) { this.mtu = mtu; return this; }

        public Builder tunName(String tunName) { this.tunName = tunName; return this; }

        public Builder transport(String transport) { this.transport = transport; return this; }

        public Builder tunBackend(String tunBackend) { this.tunBackend = tunBackend; return this; }

        public Builder netconf(String netconf) { this.netconf = netconf; return this; }

        public Builder ciphers(List<String> ciphers) { this.ciphers = orEmpty(ciphers); return this; }

        public Builder handshakeTimeoutSeconds(int seconds) { this.handshakeTimeoutSeconds = seconds; return this; }

        /** @throws IllegalArgumentException naming the first setting that is missing or out of range */
        public TunnelSpec build() {
            return new TunnelSpec(this);
        }

        private static <T> List<T> orEmpty(List<T> list) {
            return list == null ? List.of() : list;
        }
    }
}
