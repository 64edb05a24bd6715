package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import io.netproxy.api.TunSettings;
import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import io.netproxy.engine.protocol.ControlMessages;
import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.Ipv6Settings;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordCredential;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.Responder;
import io.netproxy.engine.protocol.ResponsePayload;
import io.netproxy.engine.protocol.Route;
import io.netproxy.engine.protocol.SessionKeys;
import io.netproxy.engine.protocol.SupplementarySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A server: answers handshakes from any number of clients, gives each an address from the pool and
 * forwards between the TUN device and the clients' sessions.
 *
 * <p>Handshakes run on their own thread behind a bounded queue, after the cheap mac1 check and a
 * per-source rate limit, so a flood of initiations neither stalls the data path nor grows memory. While the queue is
 * loaded, an initiation must also carry a cookie for its source address (mac2) or it gets a cookie reply instead, so a
 * flood from spoofed addresses costs no Diffie-Hellman.
 */
public final class ServerTunnel extends Tunnel {
    static final int KEEPALIVE_SECONDS = io.netproxy.engine.protocol.ProtocolTimers.DEFAULT_KEEPALIVE_SECONDS;
    /** Initiations that may wait for the handshake thread; more are dropped as overload. */
    static final int HANDSHAKE_QUEUE = 256;

    /** Parameters requests answered per second and source, and the burst allowed: a reply costs no DH. */
    static final int PARAMETERS_PER_SECOND = 2;
    static final int PARAMETERS_BURST = 10;
    /** A protocol-v1 password client is logged at most this often. */
    static final long V1_WARNING_INTERVAL_NANOS = 600 * SECOND;

    private final Identities identities;
    /** Password mode: the generator the responder checks clients' passwords with; null in key mode. */
    private final PasswordSecrets passwordSecrets;
    private final Responder responder;
    private final AddressPool pool;
    private final AtomicReferenceArray<Session> sessionByAddress;
    private final Map<AddressPool.ClientKey, Client> clients = new ConcurrentHashMap<>();
    private final HandshakeRateLimiter rateLimiter;
    /** Password mode: the budget of guesses that responses to unproven keys hand out; null in key mode. */
    private final PasswordAttempts passwordAttempts;
    private final Throttle budgetWarnings;
    /** Unproven clients holding an address at once: a quarter of the pool at most, so proven ones always find one. */
    private final int provisionalLeaseLimit;
    private final HandshakeRateLimiter parametersLimiter = new HandshakeRateLimiter(PARAMETERS_PER_SECOND, PARAMETERS_BURST);
    private final Throttle v1Warnings;
    private final ThreadPoolExecutor handshakes;
    /** Initiations handed to the handshake thread and not answered yet. */
    private final java.util.concurrent.atomic.AtomicInteger handshakesInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final LoadGauge load;
    /** Endpoints being let go after a move to another transport, with when they close at the latest. */
    private final Map<Carrier, Long> lettingGo = new ConcurrentHashMap<>();
    static final long LET_GO_AFTER_NANOS = 10 * SECOND;
    private final InetSocketAddress listen;
    /** What a handshake pushes; replaced whole when the settings change in place. */
    private volatile Pushed pushed;
    private final int mtu;
    private final Plugins plugins;
    private final String tunName;
    private final String egress;
    /** Threads per direction of the data path (see {@link Tunnel#dataLanes}). */
    private final int dataLanes;

    private ServerTunnel(TunnelSpec spec, Plugins plugins, Identities identities) {
        super(spec, plugins);
        this.identities = identities;
        this.pool = new AddressPool(spec.pool(), spec.pool6());
        this.passwordAttempts = identities.passwordMode() ? new PasswordAttempts(4 * pool.size()) : null;
        this.passwordSecrets = identities.passwordMode() ? passwordSecrets(spec, identities) : null;
        this.responder = identities.passwordMode() ? new Responder(identities.local(), passwordSecrets)
                : new Responder(identities.local(), new byte[32], identities::allows);
        this.provisionalLeaseLimit = Math.max(1, Math.min(PasswordAttempts.PROVISIONAL_LEASES, pool.size() / 4));
        this.budgetWarnings = new Throttle(60 * SECOND, clock.nanoTime());
        this.v1Warnings = new Throttle(V1_WARNING_INTERVAL_NANOS, clock.nanoTime());
        this.sessionByAddress = new AtomicReferenceArray<>(pool.size());
        this.listen = spec.host() == null ? new InetSocketAddress(spec.port()) : new InetSocketAddress(spec.host(), spec.port());
        this.mtu = spec.mtu() > 0 ? spec.mtu() : plugins.tunables().defaultMtu();
        this.rateLimiter = new HandshakeRateLimiter(plugins.tunables().handshakesPerSecond(),
                plugins.tunables().handshakeBurst());
        this.plugins = plugins;
        this.tunName = spec.tunName() != null ? spec.tunName() : "np%d";
        this.egress = spec.egress();
        this.dataLanes = plugins.tunables().dataThreads();
        this.pushed = Pushed.of(spec);
        this.load = new LoadGauge(counters);
        this.handshakes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(HANDSHAKE_QUEUE),
                r -> {
                    Thread t = new Thread(r, "netproxy-" + spec.name() + "-handshake");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** CPace's generator for the password and this server's salt and key: Argon2id, half a second, once per start. */
    /** The generator: from the password stretched now, or from the credential's PRS, stretched when it was made. */
    private static PasswordSecrets passwordSecrets(TunnelSpec spec, Identities identities) {
        byte[] prs = spec.passwordCredential() != null ? PasswordCredential.prs(spec.passwordCredential())
                : PasswordSecrets.prs(spec.password(), identities.salt());
        try {
            return PasswordSecrets.of(prs, identities.local().publicKey());
        } finally {
            Arrays.fill(prs, (byte) 0);
        }
    }

    /** Brings the server up: TUN device, host network plan, listening endpoint, threads. */
    public static ServerTunnel start(TunnelSpec spec, Plugins plugins) throws IOException {
        ServerTunnel server = new ServerTunnel(spec, plugins, Identities.of(spec, plugins.stateDirectory()));
        try {
            server.openDevice();
            List<Transport> available = plugins.transports().available();
            if (available.isEmpty()) {
                throw new IOException("no transport of " + plugins.transports().policy() + " is installed");
            }
            for (Transport transport : available) server.open(transport);
            server.startTunReader();
            server.startTimer();
            server.state = "listening";
            server.log.info("tunnel {}: serving on {} via {}, pool {}, {}", spec.name(), format(server.listenAddress()),
                    server.transportNames(), server.pool.cidr(), server.tun.name());
            return server;
        } catch (IOException | RuntimeException e) {
            try {
                server.stop();
            } catch (IOException revertFailure) {
                e.addSuppressed(revertFailure);
            }
            throw e;
        }
    }

    /** The device with the pool's server addresses, forwarded and NATed by the host's network plan. */
    @Override
    protected void openDevice() throws IOException {
        Ipv6.Prefix prefix6 = pool.prefix6();
        if (prefix6 != null && !netconf.supportsIpv6Inside()) {
            throw new IOException("the network configurator " + netconf.name() + " cannot carry IPv6 inside the tunnel;"
                    + " use one that can (iptables, nftables) or leave out the IPv6 pool (--pool6)");
        }
        tun = tunBackend.open(new TunSettings(tunName, mtu, tunAddresses(), false));
        applyPlan(new NetworkPlan(name, NetworkPlan.Role.SERVER, tun.name(), pool.cidr().toString(),
                prefix6 == null ? null : prefix6.toString(), egress, null, List.of(), List.of()));
    }

    /** The server's tunnel addresses in CIDR notation: IPv4, and IPv6 when the pool has a prefix for it. */
    private List<String> tunAddresses() {
        String ipv4 = Ipv4.format(pool.serverAddress()) + "/" + pool.cidr().prefixLength();
        Ipv6.Prefix prefix6 = pool.prefix6();
        if (prefix6 == null) return List.of(ipv4);
        return List.of(ipv4, Ipv6.format(pool.ipv6(pool.serverAddress())) + "/" + prefix6.length());
    }

    @Override
    protected TransportEndpoint openEndpoint(Transport transport) throws IOException {
        try {
            return transport.listen(listen);
        } catch (java.net.BindException e) {
            List<String> holders = PortHolders.of(listen.getPort());
            throw new IOException("cannot listen on " + listen + " via " + transport.name() + ": " + e.getMessage()
                    + (holders.isEmpty() ? " (nothing holds the port now: it was busy for a moment)"
                    : "; the port is held by: " + String.join("; ", holders)), e);
        }
    }

    @Override
    protected int dataLanes() {
        return dataLanes;
    }

    @Override
    protected TransportEndpoint openReplacement(Transport next, TransportEndpoint current) throws IOException {
        return next.listenBeside(current);
    }

    /** Another endpoint carries on: a server on UDP and TCP keeps serving when one of them is uninstalled. */
    @Override
    public boolean canLetGo(Transport gone) {
        return carriers.stream().anyMatch(carrier -> carrier.transport() != gone);
    }

    /** A transport of the policy that was not installed when the server started (or was let go) is listened on. */
    @Override
    public synchronized void transportAdded(Transport transport) {
        if (!running || !transports.policy().names().contains(transport.name())) return;
        if (carriers.stream().anyMatch(carrier -> carrier.transport().name().equals(transport.name()))) return;
        try {
            open(transport);
            log.info("tunnel {}: now also listening on {} via {}", name, format(listenAddress()), transport.name());
        } catch (IOException e) {
            log.warn("tunnel {}: cannot listen via the new transport {}: {}", name, transport.name(), e.getMessage());
        }
    }

    @Override
    public synchronized void moveTo(Transport next) throws IOException {
        if (!running) return;
        usePolicy(new TransportPolicy(List.of(next.name()), false));
        Carrier target = carrierOf(next);
        if (target == null) {
            target = listenAlso(next);
            log.info("tunnel {}: now listening on {} via {}", name, format(listenAddress()), next.name());
        }
        List<Carrier> others = carriers.stream().filter(carrier -> carrier.transport() != next).toList();
        if (others.isEmpty()) return;
        // clients on the others move first, told in band, before their endpoints close
        byte[] notice = ControlMessages.transports(List.of(next.name()));
        Carrier kept = target;
        forEachCurrentSession(session -> {
            if (session.peerAddress().carrier().current().group() != kept) sendControl(session, notice);
        });
        long deadline = clock.nanoTime() + LET_GO_AFTER_NANOS;
        for (Carrier carrier : others) lettingGo.put(carrier, deadline);
        log.info("tunnel {}: moving to transport {}; {} close once their clients have moved", name, next.name(),
                others);
    }

    /** Opens an endpoint beside the others; one of the same protocol shares their port (listenBeside). */
    private Carrier listenAlso(Transport next) throws IOException {
        try {
            return open(next);
        } catch (IOException busy) {
            if (carriers.isEmpty()) throw busy;
            return open(next, next.listenBeside(carriers.get(0).endpoint()));
        }
    }

    @Override
    protected synchronized void useAutomaticTransports() throws IOException {
        usePolicy(TransportPolicy.of(null));
        lettingGo.clear();
        for (Transport transport : transports.available()) transportAdded(transport);
    }

    @Override
    public void acceptCiphers(List<String> names) {
        allowedCiphers = List.copyOf(names);
        forEachCurrentSession(session -> {
            if (!allowed(session.suite())) sendControl(session, ControlMessages.handshakeNow());
        });
        log.info("tunnel {}: accepts cipher suites {} from now on", name, names.isEmpty() ? "all installed" : names);
    }

    /** Older sessions on the suite go now; a current one carries traffic until its successor is confirmed. */
    @Override
    public void cipherGone(CipherSuite suite) {
        for (Client client : clients.values()) {
            Session current;
            synchronized (client) {
                client.others.removeIf(old -> {
                    boolean gone = old.suite() == suite;
                    if (gone) retire(old);
                    return gone;
                });
                current = client.current;
            }
            if (current != null && current.suite() == suite) sendControl(current, ControlMessages.handshakeNow());
        }
    }

    private void forEachCurrentSession(java.util.function.Consumer<Session> action) {
        for (Client client : clients.values()) {
            Session session;
            synchronized (client) {
                session = client.current;
            }
            if (session != null) action.accept(session);
        }
    }

    /** Closes the endpoints being let go that no client uses any more, or whose time is up. Timer thread. */
    private void letGoOfMovedEndpoints(long now) {
        for (Map.Entry<Carrier, Long> entry : lettingGo.entrySet()) {
            Carrier carrier = entry.getKey();
            boolean used = false;
            for (Client client : clients.values()) {
                Session session = client.current;
                if (session != null && session.peerAddress().carrier().current().group() == carrier) used = true;
            }
            if (used && now - entry.getValue() < 0) continue;
            lettingGo.remove(carrier);
            close(carrier);
            log.info("tunnel {}: closed {}{}", name, carrier, used ? " (a client had not moved yet)" : "");
        }
    }

    /** Where the server listens: every endpoint is bound to the same address and port. */
    private InetSocketAddress listenAddress() {
        return carriers.isEmpty() ? listen : carriers.get(0).endpoint().localAddress();
    }

    @Override
    public TunnelSpec.Role role() { return TunnelSpec.Role.SERVER; }

    @Override
    protected void handleHandshake(int type, byte[] buf, int off, int len, Carrier via, InetSocketAddress from) {
        boolean passwordMode = passwordSecrets != null;
        if (passwordMode && type == Messages.TYPE_PARAMETERS_REQUEST) {
            answerParametersRequest(buf, off, len, via, from);
            return;
        }
        if (passwordMode && type == Messages.TYPE_INITIATION) {
            warnOfProtocolV1(from);
            return;
        }
        if (type != (passwordMode ? Messages.TYPE_PASSWORD_INITIATION : Messages.TYPE_INITIATION)) {
            drop(Counters.Counter.DROP_UNEXPECTED, from);
            return;
        }
        // Cheap checks on the reader thread; Diffie-Hellman on the handshake thread.
        if (!responder.mac1Valid(buf, off, len)) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed(HandshakeException.BAD_MAC1);
            return;
        }
        long receivedNanos = clock.nanoTime();
        // Before the rate limiter, so that spoofed sources do not fill its table while the queue is loaded.
        // Also while password mode's budget of guesses runs low: spoofed sources, which never get a cookie, cannot then
        // spend the rest of it and keep new clients out.
        if (load.underLoad(handshakesInFlight.get(), receivedNanos)
                || passwordAttempts != null && passwordAttempts.serverBudgetLow(receivedNanos)) {
            Responder.Mac2Check mac2 = responder.checkMac2(buf, off, from, receivedNanos);
            if (mac2 != Responder.Mac2Check.VALID) {
                // On the reader thread: a few microseconds, no DH, and the flood takes no place in the queue.
                if (sendHandshake(responder.cookieReply(buf, off, from, receivedNanos), via, from)) {
                    counters.increment(Counters.Counter.COOKIES_SENT);
                }
                drop(Counters.Counter.DROP_UNDER_LOAD, from);
                counters.handshakeFailed(mac2 == Responder.Mac2Check.MISSING ? HandshakeException.MAC2_MISSING
                        : HandshakeException.BAD_MAC2);
                return;
            }
        }
        if (!rateLimiter.allow(from.getAddress(), receivedNanos)) {
            drop(Counters.Counter.DROP_RATE_LIMITED, from);
            counters.handshakeFailed("rate-limited");
            return;
        }
        byte[] copy = Arrays.copyOfRange(buf, off, off + len);
        handshakesInFlight.incrementAndGet();
        try {
            handshakes.execute(() -> {
                try {
                    answer(copy, via, from, receivedNanos);
                } catch (RuntimeException e) {
                    // One bad handshake costs that handshake, never the handshake thread.
                    drop(Counters.Counter.DROP_HANDSHAKE, from);
                    counters.handshakeFailed("internal-error");
                    log.warn("tunnel {}: answering {} failed: {}", name, format(from), e.toString());
                } finally {
                    handshakesInFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            handshakesInFlight.decrementAndGet();
            drop(Counters.Counter.DROP_OVERLOAD, from);
            counters.handshakeFailed("overload");
        }
    }

    private void logConnected(Session session) {
        log.info("tunnel {}: client {} connected from {}, address {}, {}", name, session.peer().publicKey(),
                session.peerAddress(), Ipv4.format(session.peer().tunnelAddress()), session.suite().name());
    }

    /** A guess taken for a response that was not sent after all goes back. */
    private void refundGuess(boolean unproven, InetSocketAddress from) {
        if (unproven) passwordAttempts.refund(from.getAddress());
    }

    /** Unproven password-mode clients holding an address: their first session awaits its first data. */
    private int provisionalLeases() {
        int count = 0;
        for (Client client : clients.values()) {
            Session current = client.current;
            if (current != null && !current.confirmed()) count++;
        }
        return count;
    }

    /** A response that would hand out a password guess beyond the budget: not sent; said at most once a minute. */
    private void overBudget(InetSocketAddress from, String why) {
        drop(Counters.Counter.DROP_PASSWORD_BUDGET, from);
        counters.handshakeFailed(HandshakeException.PASSWORD_BUDGET);
        if (!budgetWarnings.passes(clock.nanoTime())) return;
        log.warn("tunnel {}: a handshake from {} with a client key that has not proven the password was refused: {}"
                + " (someone guessing passwords?)", name, format(from), why);
    }

    /** Password mode: the salt and static key to a client that asks (PROTOCOL.md 4.5). Reader thread, no DH. */
    private void answerParametersRequest(byte[] buf, int off, int len, Carrier via, InetSocketAddress from) {
        if (!parametersLimiter.allow(from.getAddress(), clock.nanoTime())) {
            drop(Counters.Counter.DROP_RATE_LIMITED, from);
            return;
        }
        byte[] reply = ParametersExchange.reply(buf, off, len, identities.salt(), identities.local().publicKey());
        if (reply == null) {
            drop(Counters.Counter.DROP_MALFORMED, from);
        } else if (sendHandshake(reply, via, from)) {
            counters.increment(Counters.Counter.PARAMETERS_SENT);
        }
    }

    /**
     * A key-mode initiation at a password-mode server: most likely a client of protocol v1, whose password mode let an
     * observer test passwords offline. Not answered; said, at most every ten minutes.
     */
    private void warnOfProtocolV1(InetSocketAddress from) {
        drop(Counters.Counter.DROP_UNEXPECTED, from);
        counters.handshakeFailed(HandshakeException.PROTOCOL_V1);
        if (!v1Warnings.passes(clock.nanoTime())) return;
        log.warn("tunnel {}: a key-mode or protocol-v1 password-mode initiation from {} was refused: this server runs"
                + " password mode v2, which v1 clients cannot speak (their password mode let anyone who recorded a"
                + " handshake test passwords offline); upgrade the client, and change the password", name, format(from));
    }

    /** Tests: keeps the handshake thread busy until {@code release} opens, as a long queue of handshakes would. */
    void holdHandshakeThread(java.util.concurrent.CountDownLatch release) {
        handshakes.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Whether no handshake waits or is being answered (tests on a fake clock wait for this). */
    boolean handshakesIdle() {
        return handshakesInFlight.get() == 0;
    }

    /** @param receivedNanos when the initiation arrived, for the handshake's duration */
    private void answer(byte[] message, Carrier via, InetSocketAddress from, long receivedNanos) {
        Responder.Initiation initiation;
        try {
            initiation = responder.consumeInitiation(message, 0, message.length, clock.epochMillis());
        } catch (HandshakeException e) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed(e.reason());
            log.debug("tunnel {}: handshake from {} rejected: {}", name, from, e.reason());
            return;
        }
        try {
            CipherSuite suite = chooseCipher(initiation.payload().cipherWireIds());
            if (suite == null) {
                drop(Counters.Counter.DROP_HANDSHAKE, from);
                counters.handshakeFailed("no-common-cipher");
                log.info("tunnel {}: client at {} offers no cipher suite this server accepts", name, from);
                return;
            }
            // A client is its key (in password mode a random one of its own), so one key holder cannot take many
            // addresses by inventing client ids.
            String keyLabel = Base64.getEncoder().encodeToString(initiation.initiatorPublicKey());
            AddressPool.ClientKey clientKey = new AddressPool.ClientKey(keyLabel);
            boolean unproven = passwordAttempts != null && !passwordAttempts.isProven(keyLabel);
            if (unproven && !passwordAttempts.take(from.getAddress(), clock.nanoTime())) {
                overBudget(from, "the budget of password guesses is spent");
                return;
            }
            while (true) {
                Client client = clients.computeIfAbsent(clientKey, k -> new Client());
                synchronized (client) {
                    // The timer may have expired this client between the lookup and the lock: start over.
                    if (clients.get(clientKey) != client) continue;
                    admit(client, clientKey, keyLabel, initiation, suite, new PeerAddress(via, from), receivedNanos,
                            unproven);
                    return;
                }
            }
        } finally {
            initiation.discard(); // answered or not, its transcript state is of no further use
        }
    }

    /** Leases the address, creates the session and answers. Called with the client's monitor held. */
    private void admit(Client client, AddressPool.ClientKey clientKey, String keyLabel, Responder.Initiation initiation,
                       CipherSuite suite, PeerAddress peerAddress, long receivedNanos, boolean unproven) {
        InetSocketAddress from = peerAddress.address();
        // an unproven client's first session whose response may have been lost: the newer one takes its place
        Session provisional = client.current != null && !client.current.confirmed() ? client.current : null;
        boolean first = client.current == null || provisional != null;
        if (client.current == null && unproven && provisionalLeases() >= provisionalLeaseLimit) {
            if (client.others.isEmpty()) clients.remove(clientKey, client);
            refundGuess(unproven, from);
            overBudget(from, provisionalLeaseLimit + " clients that have not proven the password hold addresses");
            return;
        }
        int address;
        try {
            address = pool.lease(clientKey);
        } catch (IllegalStateException exhausted) {
            drop(Counters.Counter.DROP_HANDSHAKE, from);
            counters.handshakeFailed("pool-exhausted");
            log.warn("tunnel {}: {}; client at {} refused", name, exhausted.getMessage(), from);
            if (client.current == null && client.others.isEmpty()) clients.remove(clientKey, client);
            refundGuess(unproven, from);
            return;
        }
        int localIndex;
        try {
            localIndex = indices.allocate();
        } catch (IllegalStateException full) {
            drop(Counters.Counter.DROP_OVERLOAD, from);
            counters.handshakeFailed("overload");
            if (client.current == null && client.others.isEmpty()) {
                clients.remove(clientKey, client);
                pool.release(clientKey);
            }
            refundGuess(unproven, from);
            return;
        }
        Pushed push = pushed; // one read: routes and DNS of the same settings
        ResponsePayload payload = new ResponsePayload(suite.wireId(), Ipv4.bytes(address), pool.cidr().prefixLength(),
                Ipv4.bytes(pool.serverAddress()), mtu, KEEPALIVE_SECONDS, push.routes(), push.dns());
        byte[] response = responder.respond(initiation, localIndex, payload);
        SessionKeys keys = responder.keys(initiation, localIndex);
        Session session = new Session(keys, suite, new Session.Peer(clientKey, keyLabel, address), peerAddress,
                client.traffic, clock, dataLanes());
        indices.put(session);
        if (first) {
            // Nothing to lose: use the new session at once. A password-mode client that has not proven the password
            // holds its address provisionally: until its first data, for PasswordAttempts.PROVISIONAL_NANOS at most.
            if (provisional != null) retire(provisional);
            client.current = session;
            if (!unproven) session.confirm();
            sessionByAddress.set(pool.slot(address), session);
        } else {
            // A rekey or reconnect: send with it only once the client proves it has the keys. At most one such
            // session waits: an earlier unconfirmed one was answered in vain (its response was lost).
            client.others.removeIf(pending -> {
                boolean unconfirmed = !pending.confirmed();
                if (unconfirmed) retire(pending);
                return unconfirmed;
            });
            client.others.add(session);
        }
        sendHandshake(response, peerAddress.carrier(), from);
        counters.increment(Counters.Counter.HANDSHAKES);
        counters.handshakeTook(clock.nanoTime() - receivedNanos);
        // an unproven client is said to connect when it proves the password (authenticated)
        if (first && !unproven) logConnected(session);
    }

    private CipherSuite chooseCipher(int[] offered) {
        for (int wireId : offered) {
            CipherSuite suite = ciphers.apply(wireId);
            if (suite != null && allowed(suite)) return suite;
        }
        return null;
    }

    @Override
    protected void authenticated(Session session) {
        if (session.confirmed()) return;
        Client client = clients.get(session.peer().client());
        if (client == null) return;
        synchronized (client) {
            // the timer may have let the client go (a provisional lease expired) between the lookup and the lock
            if (session.confirmed() || clients.get(session.peer().client()) != client) return;
            session.confirm();
            if (passwordAttempts != null) {
                passwordAttempts.prove(session.peer().client().publicKey(), session.peerAddress().address().getAddress());
            }
            // a password-mode client's first session, provisional until this proof of the password
            if (client.current == session) {
                logConnected(session);
                return;
            }
            client.others.remove(session);
            if (client.current != null) client.others.add(client.current);
            client.current = session;
            sessionByAddress.set(pool.slot(session.peer().tunnelAddress()), session);
            // sessions on a suite that went away carried traffic until now; they go with the class loader they hold
            client.others.removeIf(old -> {
                boolean gone = !installed(old.suite());
                if (gone) retire(old);
                return gone;
            });
        }
    }

    @Override
    protected Session route(byte[] buf, int off) {
        int slot = (buf[off] & 0xF0) == 0x60
                ? pool.slot6(Ipv6.destinationHigh(buf, off), Ipv6.destinationLow(buf, off))
                : pool.slot(Ipv4.destination(buf, off));
        Session session = slot < 0 ? null : sessionByAddress.get(slot);
        // An expired key is no route (send() would refuse it too); the client rekeys well before, unless it is gone.
        return session != null && !expired(session) ? session : null;
    }

    @Override
    protected boolean acceptsSource(Session session, byte[] buf, int off) {
        int leased = session.peer().tunnelAddress();
        if ((buf[off] & 0xF0) != 0x60) return Ipv4.source(buf, off) == leased;
        return pool.slot6(Ipv6.sourceHigh(buf, off), Ipv6.sourceLow(buf, off)) == pool.slot(leased);
    }

    /**
     * A client asks for what goes beside the handshake response: IPv6 settings, search domains (PROTOCOL.md 7.1); the
     * other control types are the server's own.
     */
    @Override
    protected void control(Session session, byte[] buf, int off, int len, InetSocketAddress from) {
        if (ControlMessages.type(buf, off, len) == ControlMessages.SETTINGS_REQUEST) {
            Pushed push = pushed; // once: an update in place replaces it whole
            List<String> search = ControlMessages.understandsSearchDomains(buf, off, len) ? push.dnsSearch() : List.of();
            sendControl(session, ControlMessages.settings(new SupplementarySettings(
                    ipv6Settings(session.peer().tunnelAddress(), push), search)));
        } else {
            drop(Counters.Counter.DROP_NOT_IP, from);
        }
    }

    /** The IPv6 twin of a client's lease and what to route through the tunnel, or null without an IPv6 pool. */
    private Ipv6Settings ipv6Settings(int leased, Pushed push) {
        Ipv6.Prefix prefix6 = pool.prefix6();
        if (prefix6 == null) return null;
        return new Ipv6Settings(pool.ipv6(leased), prefix6.length(), pool.ipv6(pool.serverAddress()), push.routes6(),
                push.dns6());
    }

    /** Keepalives, and forgetting sessions and clients that went quiet. */
    @Override
    void tick() {
        long now = clock.nanoTime();
        for (Map.Entry<AddressPool.ClientKey, Client> entry : clients.entrySet()) {
            Client client = entry.getValue();
            synchronized (client) {
                client.others.removeIf(old -> {
                    boolean expired = old.ageNanos(now) > REJECT_AFTER_NANOS && old.sinceReceiveNanos(now) > HANDSHAKE_RETRY_NANOS;
                    if (expired) retire(old);
                    return expired;
                });
                Session current = client.current;
                if (current == null) continue;
                boolean unproven = !current.confirmed() && current.ageNanos(now) > PasswordAttempts.PROVISIONAL_NANOS;
                if (current.sinceReceiveNanos(now) > REJECT_AFTER_NANOS || unproven) {
                    log.info("tunnel {}: client {} {}, address {} released", name, current.peer().publicKey(),
                            unproven ? "did not prove the password" : "timed out",
                            Ipv4.format(current.peer().tunnelAddress()));
                    sessionByAddress.compareAndSet(pool.slot(current.peer().tunnelAddress()), current, null);
                    retire(current);
                    client.others.forEach(this::retire);
                    clients.remove(entry.getKey(), client);
                    pool.release(entry.getKey());
                } else {
                    if (current.sinceSendNanos(now) > KEEPALIVE_SECONDS * SECOND
                            || current.owesAnswer() && current.sinceSendNanos(now) > PASSIVE_KEEPALIVE_NANOS) {
                        sendKeepalive(current);
                    }
                    // a client ignores "handshake now" within a second of its last handshake or while one is out
                    // (PROTOCOL.md 7.1): asked again each second while its session stays on a suite no longer accepted
                    // and no successor waits for confirmation (older sessions kept for late packets do not count)
                    if (!allowed(current.suite()) && client.others.stream().allMatch(Session::confirmed)
                            && current.ageNanos(now) > SECOND) {
                        sendControl(current, ControlMessages.handshakeNow());
                    }
                }
            }
        }
        rateLimiter.forgetIdle(now);
        parametersLimiter.forgetIdle(now);
        if (passwordAttempts != null) passwordAttempts.forgetIdle(now);
        load.report(log, name, now);
        if (!lettingGo.isEmpty()) letGoOfMovedEndpoints(now);
    }

    private void retire(Session session) {
        indices.remove(session);
        session.close();
    }

    @Override
    protected void closeSessions() {
        handshakes.shutdownNow();
        if (passwordSecrets != null) passwordSecrets.wipe();
        for (Client client : clients.values()) {
            synchronized (client) {
                if (client.current != null) retire(client.current);
                client.others.forEach(this::retire);
            }
        }
        clients.clear();
    }

    @Override
    public TunnelStatus status() {
        List<PeerStatus> peers = new ArrayList<>();
        for (Client client : clients.values()) {
            Session s = client.current;
            if (s == null) continue;
            int leased = s.peer().tunnelAddress();
            String address = Ipv4.format(leased) + (pool.prefix6() == null ? "" : ", " + Ipv6.format(pool.ipv6(leased)));
            peers.add(client.traffic.into(PeerStatus.builder()).publicKey(s.peer().publicKey())
                    .endpoint(s.peerAddress().toString()).tunnelAddress(address)
                    .cipher(s.suite().name()).lastHandshakeEpochMs(s.createdEpochMs()).build());
        }
        return statusBuilder().tunAddress(String.join(", ", tunAddresses()))
                .endpoint(format(listenAddress()))
                .publicKey(identities.publicKeyBase64()).peers(peers).build();
    }

    /**
     * New pushed routes and DNS servers: clients get them at their next handshake, a rekey at the latest (and a
     * client rebuilds its routes and DNS when they changed).
     */
    @Override
    protected void applyInPlace(TunnelSpec spec) {
        Pushed next = Pushed.of(spec);
        if (next.given().equals(pushed.given())) return;
        pushed = next;
        log.info("tunnel {}: now pushes routes {} and DNS {}{}; clients get them at their next handshake", name,
                spec.pushRoutes().isEmpty() ? List.of("0.0.0.0/0") : spec.pushRoutes(), spec.dns(),
                spec.dnsSearch().isEmpty() ? "" : " with search domains " + spec.dnsSearch());
    }

    /**
     * The routes and IPv4 DNS servers a handshake response carries, the IPv6 routes and DNS servers of the IPv6
     * settings (all of IPv6 in a full tunnel), and the settings they came from (to compare). In a split tunnel each DNS
     * server outside the pushed routes and the pool (whose network the device routes anyway) gets a host route of its
     * own, so that no query leaves outside the tunnel.
     */
    private record Pushed(List<Route> routes, List<byte[]> dns, List<Ipv6Settings.Network> routes6, List<byte[]> dns6,
                          List<String> dnsSearch, List<List<String>> given) {
        static Pushed of(TunnelSpec spec) {
            List<String> routes = spec.pushRoutes().isEmpty() ? List.of("0.0.0.0/0") : spec.pushRoutes();
            List<Ipv4.Cidr> routes4 = new ArrayList<>(routes.stream().map(Ipv4.Cidr::parse).toList());
            boolean fullTunnel = routes4.stream().anyMatch(route -> route.prefixLength() == 0);
            List<Integer> dns4 = spec.dns().stream().filter(server -> !server.contains(":")).map(Ipv4::parse).toList();
            List<byte[]> dns6 = spec.dns().stream().filter(server -> server.contains(":")).map(Ipv6::parse).toList();
            if (!dns6.isEmpty() && (spec.pool6() == null || dns4.isEmpty())) {
                // Only the IPv6 settings carry them: a server without an IPv6 pool gives its clients none, and a client
                // that carries no IPv6 (or predates them) would be left with the host's own resolver, outside the tunnel.
                throw new IllegalArgumentException("IPv6 DNS servers need an IPv6 pool (--pool6) and an IPv4 DNS server"
                        + " beside them, for clients that carry no IPv6");
            }
            List<Ipv6Settings.Network> routes6 = new ArrayList<>();
            if (fullTunnel) {
                routes6.add(Ipv6Settings.Network.EVERYTHING);
            } else {
                Ipv4.Cidr pool = spec.pool() == null ? null : Ipv4.Cidr.parse(spec.pool());
                for (int server : dns4) {
                    if ((pool == null || !pool.contains(server)) && routes4.stream().noneMatch(route -> route.contains(server))) {
                        routes4.add(new Ipv4.Cidr(server, 32));
                    }
                }
                Ipv6Settings.Network pool6 = spec.pool6() == null ? null : Ipv6.network(spec.pool6());
                for (byte[] server : dns6) {
                    if (pool6 == null || !pool6.contains(server)) routes6.add(new Ipv6Settings.Network(server, 128));
                }
            }
            Pushed pushed = new Pushed(routes4.stream().map(c -> new Route(Ipv4.bytes(c.network()), c.prefixLength())).toList(),
                    dns4.stream().map(Ipv4::bytes).toList(), List.copyOf(routes6), dns6, spec.dnsSearch(),
                    List.of(routes, spec.dns(), spec.dnsSearch()));
            if (pushed.routes.size() > ResponsePayload.MAX_ROUTES || pushed.dns.size() > ResponsePayload.MAX_DNS
                    || pushed.dns6.size() > Ipv6Settings.MAX_DNS) {
                // Checked when the settings are given, rather than at every handshake later.
                throw new IllegalArgumentException("a server pushes at most " + ResponsePayload.MAX_ROUTES
                        + " routes (with one for each DNS server outside them in a split tunnel), "
                        + ResponsePayload.MAX_DNS + " IPv4 DNS servers and " + Ipv6Settings.MAX_DNS + " IPv6 ones");
            }
            return pushed;
        }
    }

    /** The sessions of one client: the one used for sending and older or not yet confirmed ones; what they carried. */
    private static final class Client {
        Session current;
        final List<Session> others = new ArrayList<>();
        final PeerTraffic traffic = new PeerTraffic();
    }
}
