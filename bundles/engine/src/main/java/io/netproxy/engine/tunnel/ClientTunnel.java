package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.KillSwitch;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import io.netproxy.api.TunSettings;
import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import io.netproxy.engine.protocol.ControlMessages;
import io.netproxy.engine.protocol.Ipv6Settings;
import io.netproxy.engine.protocol.CookieJar;
import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.ProtocolTimers;
import io.netproxy.engine.protocol.ResponsePayload;
import io.netproxy.engine.protocol.Route;
import io.netproxy.engine.protocol.SupplementarySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client: one server, one current session. It handshakes until the first response (or gives up),
 * sets up the TUN device and routes from what the server pushed, then keeps the session alive: keepalives,
 * a rekey every two minutes, and re-handshakes without restarting when the server stops answering.
 *
 * <p>With the automatic transport policy it starts on the first transport of the policy (UDP) and moves to the
 * next (TCP) when the server stops answering: an initiation unanswered for {@link #FALLBACK_AFTER_NANOS} while it
 * connects, or data unanswered while connected. While on a fallback it tries the first again every
 * {@link #PROBE_INTERVAL_NANOS} with a handshake of its own (a probe), whose answer moves the tunnel back. When the
 * server's name has an IPv4 and an IPv6 address and neither transport gets an answer for a while ({@link
 * #OTHER_FAMILY_AFTER_NANOS_PER_TRANSPORT} each), it moves to the other family's address, for which the host was set
 * up from the start (on a configurator that {@linkplain io.netproxy.api.NetworkConfigurator#supportsOtherServerAddresses()
 * supports it}).
 *
 * <p>A server under load answers with a cookie reply instead: the client retries at once (at most once per
 * {@link #COOKIE_RETRY_SPACING_NANOS}) with mac2, on the carrier the cookie came on, since it is bound to that
 * carrier's address.
 */
public final class ClientTunnel extends Tunnel {
    static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 20;
    static final long FALLBACK_AFTER_NANOS = 3 * SECOND;
    /**
     * How long the server goes unanswered, per transport the client may try, before the client tries the server's
     * address of the other family (a name with an IPv4 and an IPv6 address): a network that lost one family keeps the
     * tunnel.
     */
    static final long OTHER_FAMILY_AFTER_NANOS_PER_TRANSPORT = FALLBACK_AFTER_NANOS;
    static final long PROBE_INTERVAL_NANOS = 10 * SECOND;
    static final long COOKIE_RETRY_SPACING_NANOS = SECOND;
    private static final long NEVER = Long.MIN_VALUE;
    /**
     * How often a session asks for the settings beside the handshake response when no answer comes (an older server
     * never answers).
     */
    static final int SETTINGS_ASKS_PER_SESSION = 3;
    /** The least time connect waits for those settings before it sets the host up without them. */
    static final long SETTINGS_WAIT_MIN_NANOS = 100_000_000L;

    private final Identities identities;
    /** The server's address in use, one of {@link #serverAddresses}. */
    private volatile InetSocketAddress server;
    /** The server's address first, then one of the other family when its name has one. */
    private final List<InetSocketAddress> serverAddresses;
    /** Since when the tunnel has had no working session over the address in use; NEVER while it has. Timer thread. */
    private long notWorkingSinceNanos = NEVER;
    private final byte[] clientId;
    private final CompletableFuture<Session> firstSession = new CompletableFuture<>();
    private volatile Session current;
    private volatile Session previous;
    /** What the sessions with the server carried, over the tunnel's life. */
    private final PeerTraffic traffic = new PeerTraffic();
    private volatile Initiator pending;
    private volatile int pendingIndex;
    /** Where the pending initiation went out. */
    private volatile Carrier pendingVia;
    /** The carrier in use: initiations go out on it, and so does the current session's traffic. */
    private volatile Carrier active;
    /** While on a fallback transport: a carrier of the preferred one, tried by a handshake of its own. */
    private volatile Carrier probe;
    private volatile long lastProbeNanos;
    /** The transports handshakes went out on, for the message when none answered. */
    private final java.util.Set<String> tried = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long lastInitiationNanos;
    /** The timestamp of the latest initiation. Under the monitor. */
    private long lastTimestampMillis;
    /** The server's latest cookie, and the carrier it came on: the only one whose initiations carry it. */
    private volatile CookieJar cookies;
    /** Password mode: the server's parameters and the secrets derived from them; null in key mode. */
    private final ClientPassword password;
    /** Password mode: a parameters request (type 5) is outstanding rather than an initiation. */
    private volatile boolean pendingParameters;
    /** Password mode: responses in a row that did not open (another password, or someone posing as the server). */
    private volatile int responsesNotOpening;
    /** Password mode: ask for the server's parameters again beside the next initiation. Timer thread. */
    private boolean refetchDue;
    /** Password mode: initiations in a row under the known parameters that got no answer. */
    private volatile int unansweredUnderCache;
    private volatile Carrier cookieCarrier;
    /** Whether the pending initiation carries mac2, and whether a cookie reply asks for a retry with it. */
    private volatile boolean pendingCarriesCookie;
    private volatile boolean cookieRetryDue;
    private volatile long lastCookieRetryNanos = NEVER;
    private volatile int keepaliveSeconds = ServerTunnel.KEEPALIVE_SECONDS;
    private volatile String tunAddress;
    private final java.util.function.Supplier<List<CipherSuite>> installedCiphers;
    private final Plugins plugins;
    private final String tunName;
    private final int mtuOverride;
    private final List<String> routeOverride;
    /** Keep the host's DNS: the servers the server pushes are not applied. */
    private final boolean noDns;
    /** Whether the host drops what would leave outside the tunnel, and whether the LAN is exempt. */
    private final boolean killSwitch;
    private final boolean allowLan;
    /** What the server pushed in the latest handshake that the TUN device and routes are set up for. */
    private volatile ResponsePayload configuration;
    /**
     * What a later handshake pushed that the host is not set up for yet, and when: the host is rebuilt once for it
     * and the settings asked for on that session together, when they come, or at the next tick after
     * {@link #SETTINGS_WAIT_MIN_NANOS} (an older server never answers).
     */
    private final AtomicReference<ResponsePayload> pendingConfiguration = new AtomicReference<>();
    private volatile long pendingSinceNanos;
    /**
     * What the server latest sent beside its handshake response, IPv6 settings and search domains (NONE until it says;
     * without the DNS part when the host keeps its own), and what of it the host is set up for.
     */
    private volatile SupplementarySettings settingsWanted = SupplementarySettings.NONE;
    private volatile SupplementarySettings settingsApplied = SupplementarySettings.NONE;
    /** Completes at the server's first answer to a settings request, which connect waits for a little. */
    private final CompletableFuture<Void> settingsHeard = new CompletableFuture<>();
    /** The session whose settings request is unanswered, and how often it asked. Timer thread. */
    private Session settingsAskedOn;
    private int settingsAsks;
    private volatile long lastHandshakeNanos;

    private ClientTunnel(TunnelSpec spec, Plugins plugins, Identities identities, List<InetSocketAddress> serverAddresses) {
        super(spec, plugins);
        this.identities = identities;
        this.serverAddresses = List.copyOf(serverAddresses);
        this.server = serverAddresses.get(0);
        this.plugins = plugins;
        this.tunName = spec.tunName() != null ? spec.tunName() : "np%d";
        this.mtuOverride = spec.mtu();
        this.routeOverride = spec.routes();
        this.noDns = spec.noDns();
        this.killSwitch = spec.killSwitch();
        this.allowLan = spec.allowLan();
        this.clientId = StateSecrets.clientId(plugins.stateDirectory(), spec.name());
        this.installedCiphers = plugins.ciphers();
        this.password = identities.passwordMode() ? new ClientPassword(spec.password(),
                identities.peerKeys().isEmpty() ? null : identities.peerKeys().get(0), plugins.stateDirectory(),
                spec.name(), spec.host() + ":" + spec.port()) : null;
        this.cookies = identities.passwordMode() ? null : new CookieJar(identities.peerKeys().get(0));
    }

    /**
     * Connects: returns once the first handshake completed and the routes are in place.
     *
     * @throws IOException naming the likely causes when no valid response came in time
     */
    public static ClientTunnel start(TunnelSpec spec, Plugins plugins) throws IOException {
        return start(spec, plugins, serverAddresses(spec));
    }

    /** Connects to the server at these addresses (as {@link #serverAddresses} gives them) instead of its name's. */
    static ClientTunnel start(TunnelSpec spec, Plugins plugins, List<InetSocketAddress> serverAddresses) throws IOException {
        ClientTunnel client = new ClientTunnel(spec, plugins, Identities.of(spec, plugins.stateDirectory()), serverAddresses);
        if (client.offeredCiphers().isEmpty()) {
            if (client.password != null) client.password.wipe();
            throw new IOException("no cipher suite installed that the tunnel allows " + spec.ciphers());
        }
        try {
            client.connect(spec, plugins);
            return client;
        } catch (IOException | RuntimeException e) {
            try {
                client.stop();
            } catch (IOException revertFailure) {
                e.addSuppressed(revertFailure);
            }
            throw e;
        }
    }

    /**
     * The server's address the resolver puts first, and the first of the other family after it if there is one (a
     * literal has one address): where the tunnel goes when the network loses the first one's family.
     */
    private static List<InetSocketAddress> serverAddresses(TunnelSpec spec) throws IOException {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(spec.host());
        } catch (UnknownHostException e) {
            throw new IOException("cannot resolve the server name '" + spec.host() + "'");
        }
        List<InetSocketAddress> addresses = new ArrayList<>(List.of(new InetSocketAddress(all[0], spec.port())));
        java.util.Arrays.stream(all).filter(address -> address.getClass() != all[0].getClass()).findFirst()
                .ifPresent(other -> addresses.add(new InetSocketAddress(other, spec.port())));
        return addresses;
    }

    private void connect(TunnelSpec spec, Plugins plugins) throws IOException {
        List<Transport> available = transports.available();
        if (available.isEmpty()) throw new IOException("no transport of " + transports.policy() + " is installed");
        active = open(available.get(0));
        state = "handshaking";
        if (password != null) {
            password.useCached();
            if (password.secrets() != null) cookies = new CookieJar(password.secrets().serverPublicKey());
        }
        initiate(active);
        startTimer();
        int timeout = spec.handshakeTimeoutSeconds() > 0 ? spec.handshakeTimeoutSeconds() : DEFAULT_HANDSHAKE_TIMEOUT_SECONDS;
        Session session;
        try {
            session = firstSession.get(timeout, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no valid handshake response from " + String.join(" or ", serverAddresses.stream()
                    .map(Tunnel::format).toList()) + " within " + timeout + " s. "
                    + "Likely causes: " + (password == null ? "the key does not match the server's (a server silently "
                    + "drops handshakes it cannot authenticate), " : "the server runs a netproxy older than password "
                    + "mode v2, which does not answer this client (upgrade the server), ")
                    + "the server is not running or not reachable, or a firewall "
                    + "blocks port " + server.getPort() + " (tried: " + String.join(", ", tried) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting");
        } catch (ExecutionException e) {
            throw new IOException("handshake failed: " + e.getCause().getMessage(), e.getCause());
        }
        awaitSettings(session);
        configureHost(configuration);
        startTunReader();
        timer.execute(() -> sendKeepalive(session));
        state = "connected";
        // settings that came after the host was set up
        timer.execute(this::followSettings);
        log.info("tunnel {}: connected to {} as {} on {}, {} over {}", name, format(server), tunAddress, tun.name(),
                session.suite().name(), session.peerAddress().carrier().transport().name());
    }

    @Override
    protected void openDevice() throws IOException {
        configureHost(configuration);
    }

    /**
     * Asks for the settings beside the handshake response (IPv6, search domains) and waits for the answer a little (3
     * handshake round trips, at least {@link #SETTINGS_WAIT_MIN_NANOS}), so that the tunnel comes up in one step; an
     * older server does not answer, and costs this wait.
     */
    private void awaitSettings(Session session) throws IOException {
        timer.execute(() -> askForSettings(session));
        long waitNanos = settingsWaitNanos();
        try {
            settingsHeard.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.info("tunnel {}: no answer about IPv6 and search domains from {} within {} ms; IPv4 only unless one "
                    + "comes", name, format(server), waitNanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting");
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completed exceptionally", e);
        }
    }

    /** How long an answer to a settings request is waited for: three handshake round trips, at least the minimum. */
    private long settingsWaitNanos() {
        return Math.max(3 * lastHandshakeNanos, SETTINGS_WAIT_MIN_NANOS);
    }

    /** Asks the server for its settings on {@code session}, the first of a few times. Timer thread. */
    private void askForSettings(Session session) {
        if (!running || session != current) return;
        settingsAskedOn = session;
        settingsAsks = 1;
        sendControl(session, ControlMessages.settingsRequest());
    }

    /** Asks again while the current session's request is unanswered, a few times. Timer thread. */
    private void askForSettingsAgain() {
        Session asked = settingsAskedOn;
        if (asked == null || asked != current) return;
        if (settingsAsks >= SETTINGS_ASKS_PER_SESSION) {
            settingsAskedOn = null;
            return;
        }
        settingsAsks++;
        sendControl(asked, ControlMessages.settingsRequest());
    }

    /** The server's settings. Reader thread. */
    private void settingsAnswered(SupplementarySettings settings) {
        // a client that keeps the host's DNS has nothing to rebuild when only the servers or domains change
        settingsWanted = noDns ? settings.withoutDns() : settings;
        settingsHeard.complete(null);
        timer.execute(() -> {
            settingsAskedOn = null;
            followSettings();
        });
    }

    /** What of the server's settings the host can take: IPv6 only where the configurator carries it. */
    private SupplementarySettings usableSettings() {
        SupplementarySettings wanted = settingsWanted;
        return netconf.supportsIpv6Inside() ? wanted : wanted.withoutIpv6();
    }

    /**
     * Rebuilds the device, routes and DNS, once, when what the server pushed in its latest handshake or sent beside it
     * is not what the host is set up for: a server that restarted or was reconfigured. Timer thread; holds the
     * tunnel's monitor so stop() waits for it.
     */
    private synchronized void followSettings() {
        if (!running || !("connected".equals(state) || "reconnecting".equals(state))) return;
        ResponsePayload pushed = pendingConfiguration.getAndSet(null);
        SupplementarySettings wanted = usableSettings();
        SupplementarySettings applied = settingsApplied;
        if (pushed == null && wanted.equals(applied)) return;
        if (pushed != null) {
            log.warn("tunnel {}: the server now pushes other settings (address {}/{}, was {}; DNS {})", name,
                    Ipv4.format(Ipv4.fromBytes(pushed.clientAddress())), pushed.prefixLength(), tunAddress,
                    dnsServers(pushed));
            configuration = pushed;
        }
        if (!wanted.equals(applied)) {
            log.info("tunnel {}: the server's IPv6 settings are now {} (were {}), its search domains {} (were {})", name,
                    wanted.ipv6() == null ? "none" : wanted.ipv6(), applied.ipv6() == null ? "none" : applied.ipv6(),
                    wanted.dnsSearch(), applied.dnsSearch());
        }
        log.info("tunnel {}: rebuilding the TUN device, routes and DNS", name);
        // the same make-again as for a dead device: openDevice() sets the host up for the configuration
        replaceDevice(tun);
    }

    /**
     * Opens the TUN device with the pushed address, routes the pushed (or chosen) networks through it and has the
     * host resolve names with the pushed DNS servers (unless it keeps its own).
     */
    private void configureHost(ResponsePayload pushed) throws IOException {
        int mtu = mtuOverride > 0 ? mtuOverride : pushed.mtu();
        String address = Ipv4.format(Ipv4.fromBytes(pushed.clientAddress())) + "/" + pushed.prefixLength();
        SupplementarySettings settings = usableSettings();
        Ipv6Settings ipv6 = settings.ipv6();
        List<String> addresses = ipv6 == null ? List.of(address) : List.of(address, ipv6.clientCidr());
        tun = tunBackend.open(new TunSettings(tunName, mtu, addresses, false));
        List<String> routes = new ArrayList<>();
        if (routeOverride.isEmpty()) {
            pushed.routes().forEach(route -> routes.add(cidr(route)));
            if (ipv6 != null) ipv6.routes().forEach(route -> routes.add(route.toString()));
        } else {
            // IPv6 routes of the user's own only where the tunnel carries IPv6
            routeOverride.stream().filter(route -> ipv6 != null || !route.contains(":")).forEach(routes::add);
        }
        if (killSwitch) {
            // before the routes: from here on nothing leaves outside the tunnel, until stop() or cleanup
            // every address the client may move to: the kill switch stays in force as it moves
            holdKillSwitch(new KillSwitch(name, tun.name(),
                    serverAddresses.stream().map(underlay -> underlay.getAddress().getHostAddress()).toList(), allowLan));
        }
        List<String> dns = reachedDnsServers(pushed, ipv6, routes);
        InetSocketAddress inUse = server;
        List<String> others = serverAddresses.stream().filter(other -> !other.equals(inUse))
                .map(other -> other.getAddress().getHostAddress()).toList();
        applyPlan(new NetworkPlan(name, NetworkPlan.Role.CLIENT, tun.name(), null, null,
                inUse.getAddress().getHostAddress(), routes, dns).withDnsSearch(dns.isEmpty() ? List.of() : settings.dnsSearch())
                .withOtherServerAddresses(others));
        // status shows the new address only once its routes are in place
        tunAddress = String.join(", ", addresses);
        settingsApplied = settings;
    }

    /** Whether a later handshake pushed something the TUN device, routes or DNS depend on; settings chosen here win. */
    private boolean sameHostConfiguration(ResponsePayload a, ResponsePayload b) {
        return java.util.Arrays.equals(a.clientAddress(), b.clientAddress()) && a.prefixLength() == b.prefixLength()
                && (mtuOverride > 0 || a.mtu() == b.mtu()) && (!routeOverride.isEmpty() || a.routes().equals(b.routes()))
                && dnsServers(a).equals(dnsServers(b));
    }

    /**
     * The pushed DNS servers, IPv4 then IPv6 (which come with the IPv6 settings), that the tunnel reaches: in its
     * network or one of its routes. The server routes those it pushes; routes chosen here may leave some out, and a
     * query for them would leave outside the tunnel. None when the host keeps its own.
     */
    private List<String> reachedDnsServers(ResponsePayload pushed, Ipv6Settings ipv6, List<String> routes) {
        List<String> servers = new ArrayList<>(dnsServers(pushed));
        if (ipv6 != null && !noDns) servers.addAll(ipv6.dnsText());
        Ipv4.Cidr network4 = Ipv4.Cidr.parse(Ipv4.format(Ipv4.fromBytes(pushed.clientAddress())) + "/" + pushed.prefixLength());
        List<String> reached = new ArrayList<>();
        for (String server : servers) {
            boolean throughTunnel;
            if (server.contains(":")) {
                byte[] address = Ipv6.parse(server);
                throughTunnel = ipv6.inTunnelNetwork(address) || routes.stream().filter(route -> route.contains(":"))
                        .anyMatch(route -> Ipv6.network(route).contains(address));
            } else {
                int address = Ipv4.parse(server);
                throughTunnel = network4.contains(address) || routes.stream().filter(route -> !route.contains(":"))
                        .anyMatch(route -> Ipv4.Cidr.parse(route).contains(address));
            }
            if (throughTunnel) {
                reached.add(server);
            } else {
                log.warn("tunnel {}: the server's DNS server {} is outside the routes through the tunnel; not used", name,
                        server);
            }
        }
        return reached;
    }

    /** The pushed DNS servers the host is to use: none when it keeps its own. */
    private List<String> dnsServers(ResponsePayload pushed) {
        if (noDns) return List.of();
        return pushed.dns().stream().map(Ipv4::fromBytes).map(Ipv4::format).toList();
    }


    private static String cidr(Route route) {
        return Ipv4.format(Ipv4.fromBytes(route.address())) + "/" + route.prefixLength();
    }

    @Override
    protected TransportEndpoint openEndpoint(Transport transport) throws IOException {
        return transport.connect(server);
    }

    @Override
    protected void afterTransportSwap() {
        timer.execute(() -> initiate(active));
    }

    @Override
    protected void carrierReplaced(Carrier old, Carrier next) {
        if (active == old) active = next;
        if (probe == old) probe = null;
        if (pendingVia == old) pendingVia = next;
    }

    @Override
    public synchronized void moveTo(Transport next) throws IOException {
        if (!running) return;
        usePolicy(new TransportPolicy(List.of(next.name()), false));
        if (probe != null) giveUpProbe();
        if (active.transport() == next) return;
        switchTo(next, "asked to move");
        timer.execute(() -> initiate(active));
    }

    /** Opens {@code next} and puts it in the active carrier's place, make before break, saying why in the log. */
    private synchronized void switchTo(Transport next, String why) throws IOException {
        String before = active.transport().name();
        replace(active, open(next));
        log.info("tunnel {}: {}; now on transport {} instead of {}", name, why, next.name(), before);
    }

    /** A client on the automatic policy moves on its own: on a fallback, its next probe tries the preferred one. */
    @Override
    protected void useAutomaticTransports() {
        usePolicy(TransportPolicy.of(null));
    }

    @Override
    public void acceptCiphers(List<String> names) {
        allowedCiphers = List.copyOf(names);
        Session session = current;
        if (session != null && !allowed(session.suite())) {
            log.info("tunnel {}: handshaking again for a cipher suite of {}", name, names.isEmpty() ? "all" : names);
            timer.execute(this::handshakeNow);
        }
    }

    /** The previous session on the suite goes now; a current one carries traffic until its successor is made. */
    @Override
    public void cipherGone(CipherSuite suite) {
        synchronized (this) {
            Session old = previous;
            if (old != null && old.suite() == suite) {
                previous = null;
                retire(old);
            }
        }
        Session session = current;
        if (session != null && session.suite() == suite) {
            log.info("tunnel {}: cipher suite {} went away; handshaking again", name, suite.name());
            timer.execute(this::handshakeNow);
        }
    }

    /** What a server's control message asks for. */
    @Override
    protected void control(Session session, byte[] buf, int off, int len, InetSocketAddress from) {
        int type = ControlMessages.type(buf, off, len);
        if (type == ControlMessages.HANDSHAKE_NOW) {
            timer.execute(this::handshakeNow);
        } else if (type == ControlMessages.SETTINGS) {
            SupplementarySettings settings;
            try {
                settings = ControlMessages.parseSettings(buf, off, len);
            } catch (IllegalArgumentException e) {
                drop(Counters.Counter.DROP_MALFORMED, from);
                return;
            }
            settingsAnswered(settings);
        } else if (type == ControlMessages.TRANSPORTS) {
            List<String> names;
            try {
                names = ControlMessages.parseTransports(buf, off, len);
            } catch (IllegalArgumentException e) {
                drop(Counters.Counter.DROP_MALFORMED, from);
                return;
            }
            timer.execute(() -> follow(names));
        } else {
            drop(Counters.Counter.DROP_NOT_IP, from);
        }
    }

    /** A handshake at once, unless one is outstanding or has just completed. Timer thread. */
    private void handshakeNow() {
        Session session = current;
        if (pending != null || session != null && session.ageNanos(clock.nanoTime()) < SECOND) return;
        initiate(active);
    }

    /** The server listens on {@code names} only now: the client moves to one of them if its transport is not. */
    private synchronized void follow(List<String> names) {
        if (!running) return;
        usePolicy(new TransportPolicy(names, names.size() > 1));
        if (names.contains(active.transport().name())) return;
        for (String candidate : names) {
            Optional<Transport> next = transports.installed().apply(candidate);
            if (next.isEmpty()) continue;
            try {
                switchTo(next.get(), "the server now listens on " + names);
                initiate(active);
            } catch (IOException e) {
                log.warn("tunnel {}: cannot open transport {}: {}", name, candidate, e.getMessage());
                continue;
            }
            return;
        }
        log.warn("tunnel {}: the server now listens only on {}, and none of them is installed here", name, names);
    }

    /** Also the next transport of an automatic policy, when the one in use is uninstalled. */
    @Override
    public Optional<Transport> replacementFor(Transport gone) {
        Optional<Transport> sameName = super.replacementFor(gone);
        if (sameName.isPresent() || !transports.policy().automatic()) return sameName;
        return transports.available().stream().filter(other -> !other.name().equals(gone.name())).findFirst();
    }

    @Override
    public TunnelSpec.Role role() { return TunnelSpec.Role.CLIENT; }

    /** The server's static key: configured, or in password mode learned from its parameters. */
    private byte[] serverPublicKey() {
        return password == null ? identities.peerKeys().get(0) : password.secrets().serverPublicKey();
    }

    /**
     * Sends a new initiation on {@code via} (in password mode, a parameters request while the server's are unknown); an
     * older pending one is abandoned. Timer thread or startup only.
     */
    private synchronized void initiate(Carrier via) {
        if (!running) return;
        abandonPending();
        if (password != null && password.secrets() == null) {
            pending = null;
            pendingParameters = true;
            pendingVia = via;
            lastInitiationNanos = clock.nanoTime();
            tried.add(via.transport().name());
            sendHandshake(password.request(), via, server);
            return;
        }
        pendingParameters = false;
        int index = indices.allocate();
        int[] wireIds = offeredCiphers().stream().mapToInt(CipherSuite::wireId).toArray();
        if (wireIds.length == 0) {
            log.warn("tunnel {}: no cipher suite is installed that the tunnel allows; not handshaking", name);
            return;
        }
        InitiationPayload payload = new InitiationPayload(clientId.clone(), wireIds);
        Initiator initiator = password == null
                ? new Initiator(identities.local(), identities.peerKeys().get(0), new byte[32], index, payload)
                : password.initiator(identities.local(), index, payload);
        long now = clock.nanoTime();
        boolean withCookie = via.current() == cookieCarrier && cookies.holds(now);
        // the server takes only a newer timestamp (PROTOCOL.md 5.4), and a retry after a response that did not open
        // can follow within the timestamp's resolution
        long timestamp = Math.max(clock.epochMillis(), lastTimestampMillis + Initiator.TIMESTAMP_STEP_MILLIS);
        lastTimestampMillis = timestamp;
        byte[] message = initiator.initiation(timestamp, withCookie ? cookies : null, now);
        pendingCarriesCookie = withCookie;
        pendingIndex = index;
        pending = initiator;
        pendingVia = via;
        lastInitiationNanos = now;
        tried.add(via.transport().name());
        sendHandshake(message, via, server);
        if (refetchDue) {
            // beside the initiation, on its carrier: the one in use after any move of this tick
            refetchDue = false;
            sendHandshake(password.request(), via, server);
        }
    }

    /** Gives up the pending handshake: its index is free again and its secrets are erased. */
    private void abandonPending() {
        Initiator abandoned = pending;
        if (abandoned == null) return;
        indices.release(pendingIndex);
        abandoned.abandon();
    }

    /** What is installed now (suites come and go with their bundles), in order of preference. */
    private List<CipherSuite> offeredCiphers() {
        // The handshake carries a bounded list of valid wire ids; a third-party suite beyond it is not offered.
        return installedCiphers.get().stream()
                .filter(c -> allowedCiphers.isEmpty() || allowedCiphers.contains(c.name()))
                .filter(c -> c.wireId() >= 1 && c.wireId() <= 255)
                .limit(InitiationPayload.MAX_CIPHERS).toList();
    }

    @Override
    protected void handleHandshake(int type, byte[] buf, int off, int len, Carrier via, InetSocketAddress from) {
        if (type == Messages.TYPE_COOKIE) {
            receiveCookie(buf, off, len, via, from);
            return;
        }
        if (type == Messages.TYPE_PARAMETERS && password != null) {
            receiveParameters(buf, off, len, via, from);
            return;
        }
        Initiator initiator = pending;
        long initiatedNanos = lastInitiationNanos;
        if (type != (password == null ? Messages.TYPE_RESPONSE : Messages.TYPE_PASSWORD_RESPONSE) || initiator == null
                || Messages.responseReceiverIndex(buf, off) != pendingIndex) {
            drop(Counters.Counter.DROP_UNEXPECTED, from);
            return;
        }
        Initiator.Result result;
        try {
            result = initiator.consumeResponse(buf, off, len);
        } catch (HandshakeException e) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed(e.reason());
            log.debug("tunnel {}: response from {} rejected: {}", name, from, e.reason());
            if (password != null && HandshakeException.DECRYPT_FAILED.equals(e.reason())) {
                responseDidNotOpen(initiator, via, from);
            }
            return;
        }
        if (password != null) {
            responsesNotOpening = 0;
            unansweredUnderCache = 0;
            password.confirmed(initiator);
        }
        CipherSuite suite = ciphers.apply(result.payload().cipherWireId());
        if (suite == null) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed("no-common-cipher");
            log.warn("tunnel {}: the server chose cipher {}, which is not installed here", name, result.payload().cipherWireId());
            return;
        }
        Session session = new Session(result.keys(), suite, new Session.Peer(null,
                Base64.getEncoder().encodeToString(serverPublicKey()), 0), new PeerAddress(via, server), traffic,
                clock, dataLanes());
        indices.put(session);
        synchronized (this) {
            if (pending != initiator) {
                indices.remove(session);
                session.close();
                return;
            }
            pending = null;
            Session old = previous;
            previous = current;
            current = session;
            if (old != null) retire(old);
            // a session on a suite that went away carried traffic until now; it goes with the class loader it holds
            Session carried = previous;
            if (carried != null && !installed(carried.suite())) {
                previous = null;
                retire(carried);
            }
            if (via == probe) {
                probe = null;
                replace(active, via);
                log.info("tunnel {}: {} answers again; back on it", name, via.transport().name());
            }
        }
        counters.increment(Counters.Counter.HANDSHAKES);
        lastHandshakeNanos = clock.nanoTime() - initiatedNanos;
        counters.handshakeTook(lastHandshakeNanos);
        if (configuration == null) {
            configuration = result.payload();
            firstSession.complete(session);
        } else {
            ResponsePayload pushed = result.payload();
            // applied with the settings this session asks for below, so that one rebuild takes both
            pendingSinceNanos = clock.nanoTime();
            pendingConfiguration.set(sameHostConfiguration(configuration, pushed) ? null : pushed);
            // Confirms the new keys to the server, which sends with them only after this.
            timer.execute(() -> sendKeepalive(session));
            // a restarted or reconfigured server may carry IPv6 or push search domains differently now
            timer.execute(() -> askForSettings(session));
        }
        keepaliveSeconds = Math.max(0, result.payload().keepaliveSeconds());
    }

    /** Responses in a row that fail before this client gives up connecting: each one tested one password guess. */
    static final int WRONG_PASSWORD_RESPONSES = 3;

    /**
     * Password mode: a response that does not open came from a server with another password, or from someone posing
     * as the server; each costs it one guess. A connect tries again at once (the server is there), and ends after
     * {@link #WRONG_PASSWORD_RESPONSES} of them with a clear message instead of a timeout; a running tunnel says so and
     * keeps trying, ever less often ({@link #wrongPasswordBackoff}).
     */
    private void responseDidNotOpen(Initiator initiator, Carrier via, InetSocketAddress from) {
        if (++responsesNotOpening < WRONG_PASSWORD_RESPONSES) {
            if (configuration == null) {
                timer.execute(() -> {
                    synchronized (this) {
                        if (pending == initiator) initiate(via);
                    }
                });
            }
            return;
        }
        String problem = "the server at " + format(from) + " answered " + responsesNotOpening + " handshakes, but the"
                + " password does not match its password (or someone answered in its place)";
        if (configuration == null) {
            firstSession.completeExceptionally(new IOException(problem));
        } else {
            log.error("tunnel {}: {}; trying again ever less often", name, problem);
        }
    }

    /**
     * Password mode: the server's salt and static key, in reply to the outstanding request. Argon2id (half a second)
     * runs on the timer thread, which then sends the first initiation. Reader thread.
     */
    private void receiveParameters(byte[] buf, int off, int len, Carrier via, InetSocketAddress from) {
        ParametersExchange.ServerParameters parameters;
        try {
            parameters = password.accept(buf, off, len);
        } catch (HandshakeException e) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed(e.reason());
            return;
        }
        counters.increment(Counters.Counter.PARAMETERS_RECEIVED);
        if (!parameters.speaksOurVersion()) {
            log.error("tunnel {}: {}", name, parameters.versionMismatch());
            firstSession.completeExceptionally(new IOException(parameters.versionMismatch()));
            return;
        }
        String notPinned = password.notPinned(parameters);
        if (notPinned != null) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed(HandshakeException.NOT_PINNED);
            log.error("tunnel {}: {}", name, notPinned);
            firstSession.completeExceptionally(new IOException(notPinned));
            return;
        }
        if (password.isCurrent(parameters)) return; // asked again, and nothing changed
        timer.execute(() -> {
            password.use(parameters);
            cookies = new CookieJar(parameters.serverPublicKey());
            unansweredUnderCache = 0;
            initiate(via);
        });
    }

    /** A cookie reply to the pending initiation: the server is under load and wants mac2. Reader thread. */
    private void receiveCookie(byte[] buf, int off, int len, Carrier via, InetSocketAddress from) {
        Initiator initiator = pending;
        if (initiator == null || Messages.cookieReceiverIndex(buf, off) != pendingIndex) {
            drop(Counters.Counter.DROP_UNEXPECTED, from);
            return;
        }
        try {
            initiator.consumeCookieReply(buf, off, len, cookies, clock.nanoTime());
        } catch (HandshakeException e) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed(e.reason());
            log.debug("tunnel {}: cookie reply from {} rejected: {}", name, from, e.reason());
            return;
        }
        counters.increment(Counters.Counter.COOKIES_RECEIVED);
        cookieCarrier = via.current();
        cookieRetryDue = true;
        timer.execute(this::retryWithCookie);
    }

    /**
     * Retries the pending handshake with the cookie just received, instead of waiting for the retry timer: the server
     * answered, it is only loaded. At most once per {@link #COOKIE_RETRY_SPACING_NANOS}, which bounds what forged
     * cookie replies can make the client send; a retry held back by it goes out at the next tick. Timer thread.
     */
    private synchronized void retryWithCookie() {
        if (!cookieRetryDue) return;
        if (pending == null) {
            cookieRetryDue = false;
            return;
        }
        long now = clock.nanoTime();
        if (lastCookieRetryNanos != NEVER && now - lastCookieRetryNanos < COOKIE_RETRY_SPACING_NANOS) return;
        cookieRetryDue = false;
        lastCookieRetryNanos = now;
        initiate(pendingVia);
    }

    @Override
    protected Session route(byte[] buf, int off) {
        if ((buf[off] & 0xF0) == 0x60 && settingsApplied.ipv6() == null) return null; // the tunnel carries no IPv6
        Session session = current;
        // Without a fresh session the packet is dropped, not leaked.
        return session != null && !expired(session) ? session : null;
    }

    /** The server is the client's only peer; what it forwards may come from anywhere. */
    @Override
    protected boolean acceptsSource(Session session, byte[] buf, int off) {
        return true;
    }

    /** Once a second: retries, rekeys, keepalives, noticing a silent server, and moving between transports. */
    @Override
    void tick() {
        retryWithCookie();
        askForSettingsAgain();
        long now = clock.nanoTime();
        if (pendingConfiguration.get() != null && now - pendingSinceNanos >= settingsWaitNanos()) followSettings();
        Session session = current;
        boolean retryDue = (pending != null || pendingParameters) && now - lastInitiationNanos > retryAfterNanos()
                << wrongPasswordBackoff();
        if (retryDue) counters.handshakeFailed("unanswered");
        // The server may no longer take the cookie (restarted, or an older version that wants mac2 zero).
        if (retryDue && pendingCarriesCookie) cookies.forget();
        if (retryDue && password != null && !pendingParameters && ++unansweredUnderCache >= 2) {
            // the server may have been reinstalled with a new salt and key: ask for them beside the next initiation,
            // which goes on under the known ones (a server only slow to come back answers it)
            log.info("tunnel {}: no answer under the server's known parameters; asking for them again", name);
            refetchDue = true;
            unansweredUnderCache = 0;
        }
        if (retryDue && probe != null && pendingVia == probe) {
            // the preferred transport still gets no answer: stay on the fallback, try again later
            giveUpProbe();
            retryDue = false;
        }
        boolean handshakeDue = retryDue;
        boolean unheard = false;
        if (session != null) {
            boolean unanswered = session.unansweredNanos(now) > UNANSWERED_AFTER_NANOS;
            boolean stale = unanswered || session.sinceReceiveNanos(now) > deadAfterNanos();
            if (stale && "connected".equals(state)) {
                log.warn("tunnel {}: nothing heard from {} for {} s{}; handshaking again", name, format(server),
                        session.sinceReceiveNanos(now) / SECOND, unanswered ? " although data went out" : "");
                state = "reconnecting";
                unheard = true;
                handshakeDue = true;
            } else if (!stale && "reconnecting".equals(state)) {
                log.info("tunnel {}: {} answers again", name, format(server));
                state = "connected";
            }
            boolean rekey = session.ageNanos(now) > REKEY_AFTER_NANOS || session.sentMessages() > REKEY_AFTER_MESSAGES;
            if (pending == null && !pendingParameters && (rekey || stale)) handshakeDue = true;
            if (keepaliveSeconds > 0 && session.sinceSendNanos(now) > keepaliveSeconds * SECOND && !stale) {
                sendKeepalive(session);
            }
            if (!handshakeDue && pending == null && !stale && now - lastProbeNanos > PROBE_INTERVAL_NANOS) probe(now);
        }
        if (working()) {
            notWorkingSinceNanos = NEVER;
        } else if (notWorkingSinceNanos == NEVER) {
            notWorkingSinceNanos = now;
        }
        if (handshakeDue) {
            // unanswered data is as good a sign as an unanswered initiation that the transport in use is blocked
            boolean otherFamilyDue = retryDue && !working() && serverAddresses.size() > 1
                    && netconf.supportsOtherServerAddresses() && now - notWorkingSinceNanos
                    >= OTHER_FAMILY_AFTER_NANOS_PER_TRANSPORT * Math.max(1, transports.available().size());
            boolean movedOn;
            if (otherFamilyDue) {
                movedOn = useOtherAddress();
                notWorkingSinceNanos = now;
            } else {
                movedOn = (retryDue || unheard) && !working() && fallBack();
            }
            if (unheard && !movedOn) reopenAfterSilence();
            initiate(active);
        }
        Session old = previous;
        if (old != null && old.ageNanos(now) > REJECT_AFTER_NANOS) {
            synchronized (this) {
                if (previous == old) previous = null;
            }
            retire(old);
        }
    }

    /** Whether the current session carries traffic: connected, not re-handshaking after silence. */
    private boolean working() {
        return current != null && "connected".equals(state);
    }

    /**
     * Password mode: after {@link #WRONG_PASSWORD_RESPONSES} responses in a row that did not open, each further attempt
     * waits twice as long, up to 2^7 retry intervals: every such response was a password test by whoever answered.
     */
    private int wrongPasswordBackoff() {
        return Math.min(7, Math.max(0, responsesNotOpening - WRONG_PASSWORD_RESPONSES + 1));
    }

    /** An automatic client without a working session moves on to its next transport sooner. */
    private long retryAfterNanos() {
        return transports.policy().automatic() && !working() ? FALLBACK_AFTER_NANOS : HANDSHAKE_RETRY_NANOS;
    }

    /**
     * With an automatic policy, after no answer: moves to the transport after the one the last initiation went out
     * on (in the policy's order, round), whose carrier takes the active one's place.
     *
     * @return whether the tunnel moved to another transport
     */
    private synchronized boolean fallBack() {
        List<Transport> available = transports.available();
        Carrier last = pendingVia != null ? pendingVia : active;
        if (!transports.policy().automatic() || available.size() < 2 || !running) return false;
        int at = 0;
        for (int i = 0; i < available.size(); i++) {
            if (available.get(i).name().equals(last.transport().name())) at = i;
        }
        Transport next = available.get((at + 1) % available.size());
        if (next.name().equals(active.transport().name())) return false;
        try {
            switchTo(next, "no answer from " + format(server) + " over " + active.transport().name());
            return true;
        } catch (IOException e) {
            log.warn("tunnel {}: cannot open transport {}: {}", name, next.name(), e.getMessage());
            return false;
        }
    }

    /**
     * Moves to the server's address of the other family, on the policy's first transport. The host is set up for
     * every address of the server from the start (routes pinned where it has them, and the IPv6 block and the kill
     * switch let them through), so nothing else changes. Timer thread.
     *
     * @return whether the tunnel moved
     */
    private synchronized boolean useOtherAddress() {
        List<Transport> available = transports.available();
        if (!running || available.isEmpty()) return false;
        InetSocketAddress from = server;
        InetSocketAddress to = serverAddresses.get((serverAddresses.indexOf(from) + 1) % serverAddresses.size());
        if (probe != null) giveUpProbe();
        server = to;
        try {
            replace(active, open(available.get(0)));
        } catch (IOException e) {
            // no route of that family now, say: it stays where it was, and tries again at the next move
            server = from;
            log.warn("tunnel {}: cannot reach {} over {}: {}", name, format(to), available.get(0).name(), e.getMessage());
            return false;
        }
        // a cookie is bound to the address it was given to
        if (cookies != null) cookies.forget();
        log.warn("tunnel {}: no answer from {} over any transport; trying its address {}", name, format(from), format(to));
        return true;
    }

    /** On a fallback transport: a handshake over the preferred one, whose answer moves the tunnel back. */
    private synchronized void probe(long now) {
        if (!running || !transports.policy().automatic() || probe != null) return;
        List<Transport> available = transports.available();
        if (available.isEmpty() || available.get(0).name().equals(active.transport().name())) return;
        lastProbeNanos = now;
        try {
            probe = open(available.get(0));
        } catch (IOException e) {
            log.debug("tunnel {}: cannot open {} to probe it: {}", name, available.get(0).name(), e.getMessage());
            return;
        }
        log.debug("tunnel {}: probing {} to {}", name, probe.transport().name(), format(server));
        initiate(probe);
    }

    private synchronized void giveUpProbe() {
        Carrier tried = probe;
        probe = null;
        abandonPending();
        pending = null;
        if (tried != null) close(tried);
    }

    /** Silence for three keepalive intervals (plus a retry's worth), or a whole key lifetime without keepalives. */
    private long deadAfterNanos() {
        int keepalive = keepaliveSeconds;
        return keepalive == 0 ? REJECT_AFTER_NANOS
                : ((long) ProtocolTimers.DEAD_AFTER_KEEPALIVE_INTERVALS * keepalive + 5) * SECOND;
    }

    /** The local network may have changed (a connected UDP socket keeps its old source address): a fresh socket. */
    private synchronized void reopenAfterSilence() {
        if (!running) return;
        try {
            replace(active, open(active.transport()));
        } catch (IOException e) {
            log.warn("tunnel {}: reopening the socket failed, keeping the old one: {}", name, e.getMessage());
        }
    }

    private void retire(Session session) {
        indices.remove(session);
        session.close();
    }

    @Override
    protected void closeSessions() {
        Initiator abandoned = pending;
        if (abandoned != null) abandoned.abandon();
        if (password != null) password.wipe();
        Session s = current;
        Session p = previous;
        if (s != null) retire(s);
        if (p != null) retire(p);
    }

    @Override
    public TunnelStatus status() {
        Session s = current;
        List<PeerStatus> peers = new ArrayList<>();
        if (s != null) {
            peers.add(traffic.into(PeerStatus.builder()).publicKey(s.peer().publicKey()).endpoint(s.peerAddress().toString())
                    .tunnelAddress(configuration == null ? null : serverTunnelAddresses())
                    .cipher(s.suite().name()).lastHandshakeEpochMs(s.createdEpochMs()).build());
        }
        return statusBuilder().tunAddress(tunAddress).endpoint(format(server))
                .transport(active == null ? "-" : active.transport().name())
                .publicKey(identities.publicKeyBase64()).peers(peers).build();
    }

    /** The server's tunnel addresses: IPv4, and IPv6 while the tunnel carries it. */
    private String serverTunnelAddresses() {
        String ipv4 = Ipv4.format(Ipv4.fromBytes(configuration.serverTunnelAddress()));
        Ipv6Settings ipv6 = settingsApplied.ipv6();
        return ipv6 == null ? ipv4 : ipv4 + ", " + Ipv6.format(ipv6.serverAddress());
    }
}
