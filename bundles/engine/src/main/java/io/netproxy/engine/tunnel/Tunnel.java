package io.netproxy.engine.tunnel;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.CipherSuite;
import io.netproxy.api.KillSwitch;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import io.netproxy.api.PacketBatch;
import io.netproxy.api.PacketSealer;
import io.netproxy.api.Transport;
import io.netproxy.api.TransportEndpoint;
import io.netproxy.api.TunBackend;
import io.netproxy.api.TunDevice;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import io.netproxy.engine.protocol.ControlMessages;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.ProtocolTimers;
import io.netproxy.engine.protocol.ReplayWindow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What servers and clients share: the reader threads (TUN, and one per open transport endpoint), the data path
 * in both directions, the timer thread, transport hot swap and an orderly stop that reverts the host changes.
 *
 * <p>The data path allocates nothing per packet and works in batches: each reader owns its {@link PacketBatch}es;
 * packets read from the TUN land behind a headroom where the data header is written, are sealed in place and leave
 * in one send call per endpoint ({@link SendBatch}); packets opened from one receive enter the TUN in one write
 * ({@link TunWrites}).
 */
public abstract class Tunnel {
    static final int TAG_ROOM = 32;
    /** Packets per read and receive: a TUN device with offload hands over up to 64 KiB, about 45 segments, at once. */
    static final int BATCH = 64;
    /** The largest tunnel MTU the settings allow, which bounds the datagrams a peer sends. */
    static final int MAX_TUNNEL_MTU = 9000;
    /** Room for one received datagram: a data message of the largest MTU, and any handshake message. */
    static final int RECEIVE_SLOT = Messages.DATA_HEADER_LENGTH + MAX_TUNNEL_MTU + TAG_ROOM;
    static final long SECOND = 1_000_000_000L;
    static final long REKEY_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.REKEY_AFTER_MILLIS);
    static final long REJECT_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.REJECT_AFTER_MILLIS);
    static final long REKEY_AFTER_MESSAGES = ProtocolTimers.REKEY_AFTER_MESSAGES;
    static final long HANDSHAKE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.REKEY_TIMEOUT_MILLIS);
    static final long PASSIVE_KEEPALIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.PASSIVE_KEEPALIVE_MILLIS);
    /** Reads that fail in a row before the device counts as dead (deleted behind our back) and is rebuilt. */
    static final int DEAD_DEVICE_FAILURES = 3;
    static final long UNANSWERED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(ProtocolTimers.UNANSWERED_AFTER_MILLIS);

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final String name;
    protected final Counters counters = new Counters();
    protected final DropLog drops;
    protected final IndexTable indices = new IndexTable();
    protected final IntFunction<CipherSuite> ciphers;
    protected final ScheduledExecutorService timer;
    protected final EngineClock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Runnable> stopListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The transports this tunnel may use; its policy changes when an operator moves the tunnel. */
    protected volatile Plugins.Transports transports;
    /** Cipher suites the tunnel accepts, by name, in order of preference; empty for every installed one. */
    protected volatile List<String> allowedCiphers;
    /** The transport setting it runs with ({@code null} or {@code auto} for the automatic policy). */
    private String transportSetting;
    /** The open transport endpoints, each with its reader thread and its lanes (see {@link Carrier}). */
    protected final List<Carrier> carriers = new java.util.concurrent.CopyOnWriteArrayList<>();
    protected volatile TunDevice tun;
    /** The TUN backend and network configurator the device and host plan come from; swapped live. */
    protected volatile TunBackend tunBackend;
    protected volatile NetworkConfigurator netconf;
    protected volatile AppliedNetworkPlan network;
    /** The plan {@link #network} applied, for a configurator that takes over. */
    private volatile NetworkPlan plan;
    /** A client's kill switch while it holds (null without one); it outlives device rebuilds and reconnects. */
    private volatile AppliedNetworkPlan killSwitch;
    private volatile KillSwitch killSwitchSpec;
    /**
     * The queues of the TUN device, {@link #tun} first, each with a reader (the reader of queue i seals with the
     * sessions' data sealer i); replaced whole when the device changes, which ends the readers of the old ones.
     */
    private volatile List<TunDevice> tunQueues = List.of();
    private volatile List<Thread> tunReaders = List.of();
    /** The TUN backend and configurator settings it runs with (null for the highest ranked). */
    private String tunBackendSetting;
    private String netconfSetting;
    protected volatile String state = "starting";
    protected volatile boolean running = true;
    /** What of the spec this tunnel runs with cannot change in place. */
    private final FixedSettings fixed;

    protected Tunnel(TunnelSpec spec, Plugins plugins) {
        this.name = spec.name();
        this.fixed = FixedSettings.of(spec);
        this.transports = plugins.transports();
        this.allowedCiphers = spec.ciphers();
        this.transportSetting = spec.transport();
        this.tunBackendSetting = spec.tunBackend();
        this.netconfSetting = spec.netconf();
        this.tunBackend = plugins.tunBackend();
        this.netconf = plugins.netconf();
        this.ciphers = plugins::cipher;
        this.clock = plugins.clock();
        this.drops = new DropLog(log, name, clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "netproxy-" + name + "-timer"));
    }

    public String name() { return name; }

    public abstract TunnelSpec.Role role();

    public abstract TunnelStatus status();

    /** What every tunnel's status says: its state, device, implementations, counters and host changes. */
    protected final TunnelStatus.Builder statusBuilder() {
        TunDevice device = tun;
        return TunnelStatus.builder(name, role()).state(state).tunInterface(device == null ? null : device.name())
                .transport(transportNames()).tunBackend(tunBackend.name()).netconf(netconf.name())
                .counters(counters.snapshot()).handshakeSeconds(counters.handshakeTimes().snapshot())
                .network(networkDescription());
    }

    /** The transports of the open endpoints. */
    public List<Transport> transportsInUse() {
        return carriers.stream().map(Carrier::transport).toList();
    }

    public TransportPolicy transportPolicy() { return transports.policy(); }

    /** {@code udp}, or {@code udp+tcp} for a server on both. */
    protected String transportNames() {
        List<String> names = carriers.stream().map(c -> c.transport().name()).distinct().toList();
        return names.isEmpty() ? "-" : String.join("+", names);
    }

    /** Runs after the tunnel has stopped, whoever stopped it (an operator, an error, the engine); at once if it has. */
    public void onStopped(Runnable listener) {
        stopListeners.add(listener);
        // stop() counts down before it runs the listeners: one added after that is run here, once
        if (stopped.getCount() == 0 && stopListeners.remove(listener)) listener.run();
    }

    /**
     * Takes new settings without a restart when only what may change in place differs (see
     * {@code TunnelService.updateInPlace}); false, with nothing changed, when they need a restart.
     */
    public final synchronized boolean updateInPlace(TunnelSpec spec) {
        if (!running || !FixedSettings.of(spec).equals(fixed)) return false;
        if (!Objects.equals(spec.transport(), transportSetting)) {
            TransportPolicy policy = TransportPolicy.of(spec.transport());
            Optional<Transport> named = policy.automatic() ? Optional.empty()
                    : transports.installed().apply(policy.names().get(0));
            if (!policy.automatic() && named.isEmpty()) return false; // a restart reports the missing transport
            try {
                if (named.isPresent()) {
                    moveTo(named.get());
                } else {
                    useAutomaticTransports();
                }
            } catch (IOException e) {
                log.warn("tunnel {}: cannot move to transport {} in place ({}); restarting it", name, spec.transport(),
                        e.getMessage());
                return false;
            }
            transportSetting = spec.transport();
        }
        if (!spec.ciphers().equals(allowedCiphers)) acceptCiphers(spec.ciphers());
        applyInPlace(spec);
        return true;
    }

    /** Applies what else may change in place; nothing for a client. */
    protected void applyInPlace(TunnelSpec spec) {}

    /** Applies the host's network plan for the device through the tunnel's configurator. */
    protected final void applyPlan(NetworkPlan next) throws IOException {
        network = netconf.apply(next);
        plan = next;
    }

    /**
     * Puts the kill switch in force through the tunnel's configurator, unless the same one already is: a device
     * rebuilt under another name needs its own, which then replaces the old one.
     */
    protected final synchronized void holdKillSwitch(KillSwitch next) throws IOException {
        if (next.equals(killSwitchSpec)) return;
        AppliedNetworkPlan old = killSwitch;
        if (old != null) {
            killSwitch = null;
            killSwitchSpec = null;
            old.close();
        }
        killSwitch = netconf.applyKillSwitch(next);
        killSwitchSpec = next;
    }

    public TunBackend tunBackend() { return tunBackend; }

    public NetworkConfigurator netconf() { return netconf; }

    /** Whether the spec differs from the tunnel's settings at most where {@link #updateInPlace} can follow it. */
    public final boolean canUpdateInPlace(TunnelSpec spec) {
        return running && FixedSettings.of(spec).equals(fixed);
    }

    /** The TUN backend and configurator the tunnel's settings name (null for the highest ranked). */
    public synchronized String tunBackendSetting() { return tunBackendSetting; }

    public synchronized String netconfSetting() { return netconfSetting; }

    /**
     * Hands the TUN device over to {@code next}, make before break: {@code next} attaches to the running device
     * (its addresses and routes stay), the old backend's queues close, and new readers take over once the old ones
     * have ended.
     *
     * @param setting the TUN backend setting the tunnel runs with from now on
     * @throws IOException when {@code next} cannot take over the device; nothing changed then
     */
    public synchronized void swapTunBackend(TunBackend next, String setting) throws IOException {
        if (!running) return;
        tunBackendSetting = setting;
        if (next == tunBackend) return;
        TunDevice old = tun;
        TunDevice attached = next.attach(old);
        String before = tunBackend.name();
        tunBackend = next;
        tun = attached;
        endTunReaders(old, List.of(attached));
        startTunReader();
        log.info("tunnel {}: TUN device {} handed over from backend {} to {}", name, attached.name(), before,
                next.name());
    }

    /**
     * Moves the host's network plan to {@code next}, make before break: {@code next} applies the same plan beside
     * the old one (configurators coexist, see netconf-support's client routes), then the old one is reverted.
     *
     * @param setting the configurator setting the tunnel runs with from now on
     * @throws IOException when {@code next} cannot apply the plan; nothing changed then
     */
    public synchronized void swapNetconf(NetworkConfigurator next, String setting) throws IOException {
        if (!running) return;
        netconfSetting = setting;
        if (next == netconf) return;
        NetworkPlan current = plan;
        AppliedNetworkPlan old = network;
        AppliedNetworkPlan oldKillSwitch = killSwitch;
        if (current == null) throw new IOException("the tunnel has no network plan applied yet");
        if (current.carriesIpv6() && !next.supportsIpv6Inside()) {
            throw new IOException("the tunnel carries IPv6, which the network configurator " + next.name()
                    + " cannot; it stays with " + netconf.name());
        }
        // the kill switch first, so that it never lapses; undone if the plan cannot follow
        AppliedNetworkPlan nextKillSwitch = killSwitchSpec == null ? null : next.applyKillSwitch(killSwitchSpec);
        AppliedNetworkPlan applied;
        try {
            applied = next.apply(current);
        } catch (IOException | RuntimeException e) {
            if (nextKillSwitch != null) closeReporting(nextKillSwitch, e);
            throw e;
        }
        String before = netconf.name();
        netconf = next;
        network = applied;
        if (nextKillSwitch != null) killSwitch = nextKillSwitch;
        try {
            if (old != null) old.close();
            if (nextKillSwitch != null && oldKillSwitch != null) oldKillSwitch.close();
        } catch (IOException | RuntimeException e) {
            log.warn("tunnel {}: reverting the plan of {} failed in part: {}", name, before, e.getMessage());
        }
        log.info("tunnel {}: network configurator is now {} instead of {}", name, next.name(), before);
    }

    /**
     * A new revision of the configurator in use (a bundle update) serves the tunnel from now on; the plan the old
     * revision applied stays in force, journaled and locked, and is reverted by the objects that made it.
     */
    public synchronized void adoptNetconf(NetworkConfigurator revision) {
        if (!running || revision == netconf) return;
        netconf = revision;
        log.info("tunnel {}: network configurator {} was updated; its plan stays in force", name, revision.name());
    }

    /** Takes the transport policy {@code policy} from now on. */
    protected final void usePolicy(TransportPolicy policy) {
        transports = transports.withPolicy(policy);
    }

    /**
     * Moves the tunnel to {@code next} alone, make before break: a client connects over it and handshakes there; a
     * server listens on it, tells its clients, and closes its other endpoints once they have moved.
     */
    public abstract void moveTo(Transport next) throws IOException;

    /** Back to the automatic transport policy (a server listens on each of its transports again). */
    protected abstract void useAutomaticTransports() throws IOException;

    /**
     * Accepts only these cipher suites (all installed ones when empty) from now on; sessions on another suite
     * handshake again at once and carry traffic until their successor is confirmed.
     */
    public abstract void acceptCiphers(List<String> names);

    /** A suite was uninstalled: its sessions handshake again at once, and are retired when their successor is. */
    public abstract void cipherGone(CipherSuite suite);

    /** Whether the suite is installed (a session on one that is not is retired as soon as it can be). */
    protected final boolean installed(CipherSuite suite) {
        return ciphers.apply(suite.wireId()) == suite;
    }

    /** Whether the tunnel would choose this suite now. */
    protected final boolean allowed(CipherSuite suite) {
        List<String> allowed = allowedCiphers;
        return installed(suite) && (allowed.isEmpty() || allowed.contains(suite.name()));
    }

    /** Handshake messages (initiation or response) from {@code from} on {@code via}; the buffer is reused after return. */
    protected abstract void handleHandshake(int type, byte[] buf, int off, int len, Carrier via, InetSocketAddress from);

    /**
     * The session to send the IPv4 or IPv6 packet at {@code buf[off]} from the TUN to, or null when nothing routes
     * there or its key has expired.
     */
    protected abstract Session route(byte[] buf, int off);

    /** Whether the source address of the decrypted IPv4 or IPv6 packet at {@code buf[off]} is one the peer may use. */
    protected abstract boolean acceptsSource(Session session, byte[] buf, int off);

    /** Called for each authenticated data message (keepalives too). */
    protected void authenticated(Session session) {}

    protected abstract void closeSessions();

    /**
     * Opens the TUN device and applies the host's network plan for it, as at start; {@link #tun} and
     * {@link #network} are set, the reader is not started. Used to replace a device that died.
     */
    protected abstract void openDevice() throws IOException;

    /** Once a second on the timer thread: keepalives, rekeys, retries and expiry, all against {@link #clock}. */
    abstract void tick();

    protected final void startTimer() {
        timer.scheduleWithFixedDelay(guarded(this::tick), 1, 1, TimeUnit.SECONDS);
    }

    /** Runs a tick on the timer thread now and waits for it: how tests drive the timers on a fake clock. */
    final void tickNow() throws InterruptedException, java.util.concurrent.ExecutionException {
        timer.submit(guarded(this::tick)).get();
    }

    /**
     * Waits until the timer thread has run what was queued on it before this call (a stopped tunnel's timer runs
     * nothing more): how tests let the work that a packet handed to the timer finish.
     */
    final void awaitQueuedTimerTasks() throws InterruptedException, java.util.concurrent.ExecutionException {
        try {
            timer.submit(() -> { }).get();
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // nothing runs on a stopped tunnel's timer any more
        }
    }

    // ---- threads -------------------------------------------------------------------------------------

    private void startSocketReader(Carrier carrier) {
        int lane = carrier.laneIndex();
        start("netproxy-" + name + "-socket-" + carrier.transport().name() + (lane > 0 ? "-" + lane : ""),
                () -> socketLoop(carrier));
    }

    /**
     * Opens the current device's further queues (up to {@link #dataLanes()}) and starts a reader of each; the device
     * is chosen here, not when the threads get to run.
     */
    protected void startTunReader() {
        TunDevice device = tun;
        List<TunDevice> queues = new ArrayList<>(List.of(device));
        while (queues.size() < dataLanes()) {
            try {
                queues.add(device.openQueue());
            } catch (IOException | RuntimeException e) {
                log.info("tunnel {}: TUN device {} is read by {} thread(s): {}", name, device.name(), queues.size(),
                        e.getMessage());
                break;
            }
        }
        List<TunDevice> current = List.copyOf(queues);
        tunQueues = current;
        List<Thread> readers = new ArrayList<>();
        for (int queue = 0; queue < current.size(); queue++) {
            int reader = queue;
            readers.add(start("netproxy-" + name + "-tun" + (queue > 0 ? "-" + queue : ""),
                    () -> tunLoop(current, reader)));
        }
        tunReaders = List.copyOf(readers);
    }

    /**
     * Closes {@code device} and the queues read until now, after making {@code next} the tunnel's queues, and waits
     * for their readers to end, so that no new reader seals with a sealer an old one still uses.
     */
    private void endTunReaders(TunDevice device, List<TunDevice> next) {
        List<TunDevice> old = tunQueues;
        // the old readers end at their next read (their queues are no longer the tunnel's); closing unblocks them
        tunQueues = next;
        for (TunDevice queue : old) closeQuietly(queue);
        if (device != null && !old.contains(device)) closeQuietly(device);
        for (Thread reader : tunReaders) {
            if (reader == Thread.currentThread()) continue;
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The queue a transport reader writes to: its own when there are as many, so that writers do not wait. */
    private TunDevice tunFor(TunWrites writes) {
        List<TunDevice> queues = tunQueues;
        return queues.isEmpty() ? tun : queues.get(writes.lane % queues.size());
    }

    private Thread start(String threadName, Runnable body) {
        Thread thread = daemon(body, threadName);
        synchronized (threads) {
            // readers of replaced endpoints and devices have ended; only live ones are joined at stop
            threads.removeIf(old -> !old.isAlive());
            threads.add(thread);
        }
        thread.start();
        return thread;
    }

    private static Thread daemon(Runnable body, String threadName) {
        Thread thread = new Thread(body, threadName);
        thread.setDaemon(true);
        return thread;
    }

    /** Reads datagrams until the carrier is closed; one bad packet never ends the loop. */
    private void socketLoop(Carrier carrier) {
        TransportEndpoint socket = carrier.endpoint();
        PacketBatch batch = new PacketBatch(BATCH, RECEIVE_SLOT, 0);
        TunWrites toTun = new TunWrites(carrier.laneIndex(), BATCH, MAX_TUNNEL_MTU, counters);
        while (running && carriers.contains(carrier.group())) {
            int count;
            try {
                count = socket.receive(batch);
            } catch (IOException e) {
                if (running && carriers.contains(carrier.group())) {
                    log.warn("tunnel {}: receiving failed: {}", name, e.getMessage());
                    sleepQuietly(100);
                }
                continue;
            }
            for (int i = 0; i < count; i++) {
                try {
                    dispatch(batch.buffer(i), batch.offset(i), batch.length(i), carrier, batch.address(i), toTun);
                } catch (RuntimeException e) {
                    counters.increment(Counters.Counter.DROP_MALFORMED);
                    log.debug("tunnel {}: packet from {} raised {}", name, batch.address(i), e.toString());
                }
            }
            writeToTun(toTun);
        }
    }

    private void writeToTun(TunWrites toTun) {
        try {
            toTun.flush(tunFor(toTun));
        } catch (IOException e) {
            if (running) log.debug("tunnel {}: TUN write failed: {}", name, e.getMessage());
        }
    }

    private void dispatch(byte[] buf, int off, int len, Carrier via, InetSocketAddress from, TunWrites toTun) {
        int type = Messages.type(buf, off, len);
        if (type == Messages.TYPE_DATA) {
            receiveData(buf, off, len, via, from, toTun);
        } else if (type != -1) {
            // initiations, responses and cookie replies; in password mode also parameters requests and replies
            handleHandshake(type, buf, off, len, via, from);
        } else {
            drop(Counters.Counter.DROP_MALFORMED, from);
        }
    }

    private void receiveData(byte[] buf, int off, int len, Carrier via, InetSocketAddress from, TunWrites toTun) {
        if (len < Messages.DATA_HEADER_LENGTH + 16) {
            drop(Counters.Counter.DROP_MALFORMED, from);
            return;
        }
        Session session = indices.get(Messages.receiverIndex(buf, off));
        if (session == null) {
            drop(Counters.Counter.DROP_UNKNOWN_INDEX, from);
            return;
        }
        if (expired(session)) {
            drop(Counters.Counter.DROP_KEY_EXPIRED, from);
            return;
        }
        long counter = Messages.counter(buf, off);
        if (counter < 0 || counter >= ReplayWindow.REJECT_AFTER_MESSAGES) {
            drop(Counters.Counter.DROP_REPLAY, from);
            return;
        }
        int plain = session.open(counter, buf, off, len, Messages.DATA_HEADER_LENGTH);
        if (plain == -1) {
            drop(Counters.Counter.DROP_DECRYPT, from);
            return;
        }
        if (plain == -2) {
            drop(Counters.Counter.DROP_REPLAY, from);
            return;
        }
        int packetOff = off + Messages.DATA_HEADER_LENGTH;
        boolean control = ControlMessages.isControl(buf, packetOff, plain);
        // keepalives and control messages are the protocol's own, not the peer's traffic
        session.received(via, from, control ? 0 : plain);
        authenticated(session);
        if (plain == 0) return;
        if (control) {
            control(session, buf, packetOff, plain, from);
            return;
        }
        int packetLength = ipPacketLength(buf, packetOff, plain);
        if (packetLength < 0) {
            drop(Counters.Counter.DROP_NOT_IP, from);
            return;
        }
        if (!acceptsSource(session, buf, packetOff)) {
            drop(Counters.Counter.DROP_SPOOFED, from);
            return;
        }
        if (packetLength > MAX_TUNNEL_MTU) {
            drop(Counters.Counter.DROP_OVERSIZED, from);
            return;
        }
        try {
            toTun.add(tunFor(toTun), buf, packetOff, packetLength);
        } catch (IOException e) {
            if (running) log.debug("tunnel {}: TUN write failed: {}", name, e.getMessage());
        }
    }

    /** Reads queue {@code reader} of {@code queues} until the tunnel's queues are others (a new device) or it stops. */
    private void tunLoop(List<TunDevice> queues, int reader) {
        TunDevice device = queues.get(reader);
        int headroom = Messages.DATA_HEADER_LENGTH;
        int mtu = device.mtu();
        PacketBatch batch = new PacketBatch(BATCH, headroom + mtu + TAG_ROOM, headroom);
        SendBatch outgoing = new SendBatch(BATCH, headroom + mtu + TAG_ROOM, counters, drops);
        int failures = 0;
        // A client that is given a new address replaces its device; this reader then ends with the old one.
        while (running && queues == tunQueues) {
            int count;
            try {
                count = device.read(batch);
                failures = 0;
            } catch (IOException e) {
                if (!running || queues != tunQueues) continue;
                if (++failures >= DEAD_DEVICE_FAILURES) {
                    log.warn("tunnel {}: TUN device {} fails every read ({}); making a new one", name, device.name(),
                            e.getMessage());
                    // on a thread of its own: ip and iptables may take seconds, and the timer keeps the peers alive
                    Thread rebuild = new Thread(() -> replaceDevice(device), "netproxy-" + name + "-rebuild");
                    rebuild.setDaemon(true);
                    rebuild.start();
                    return;
                }
                sleepQuietly(100);
                continue;
            }
            sealBatch(batch, count, mtu, reader, outgoing);
            outgoing.flush();
        }
    }

    /**
     * Seals what one read of the TUN device gave and queues it for its peers. A method of its own, so that the JIT
     * compiles the loop around it and this body as two units rather than one large one (whose compiler memory was the
     * peak of a transfer's resident size).
     */
    private void sealBatch(PacketBatch batch, int count, int mtu, int reader, SendBatch outgoing) {
        for (int i = 0; i < count; i++) {
            byte[] buf = batch.buffer(i);
            int off = batch.offset(i);
            int length = ipPacketLength(buf, off, batch.length(i));
            if (length < 0) {
                counters.increment(Counters.Counter.DROP_NOT_IP);
                continue;
            }
            if (length > mtu) {
                // The device's MTU was raised behind our back: read(2) filled the tag room, so no tag would fit.
                counters.increment(Counters.Counter.DROP_OVERSIZED);
                continue;
            }
            if (Ipv6.linkLocalOrMulticast(buf, off)) {
                // the device's own router solicitations and listener reports: for the link, which has no other end
                counters.increment(Counters.Counter.DROP_LINK_LOCAL);
                continue;
            }
            Session session = route(buf, off);
            if (session == null) {
                counters.increment(Counters.Counter.DROP_NO_ROUTE);
                continue;
            }
            PacketSealer sealer;
            try {
                sealer = session.dataSealer(reader);
            } catch (IllegalStateException retired) {
                // the session was retired after route() and before this reader's first packet to it
                counters.increment(Counters.Counter.SEND_ERRORS);
                continue;
            }
            int sealed = seal(session, sealer, buf, off, length);
            if (sealed > 0) {
                PeerAddress peer = session.peerAddress();
                outgoing.add(session, peer.carrier().current().endpoint(), peer.address(), buf,
                        off - Messages.DATA_HEADER_LENGTH, sealed, length);
            }
        }
    }

    /**
     * Seals a keepalive or control message, {@code buf[payloadOff .. +length)}, in place behind a data header and
     * sends it to the session's peer: a packet sent, but none of the peer's traffic, so no bytes counted. The session's
     * age is checked by the caller.
     */
    private void sendProtocolMessage(Session session, PacketSealer sealer, byte[] buf, int payloadOff, int length) {
        int sealed = seal(session, sealer, buf, payloadOff, length);
        if (sealed < 0) return;
        int headerOff = payloadOff - Messages.DATA_HEADER_LENGTH;
        PeerAddress peer = session.peerAddress();
        try {
            peer.carrier().current().endpoint().send(buf, headerOff, sealed, peer.address());
            session.sent(0);
            counters.increment(Counters.Counter.TX_PACKETS);
        } catch (IOException e) {
            counters.increment(Counters.Counter.SEND_ERRORS);
            if (running) drops.dropped(Counters.Counter.SEND_ERRORS, peer.address());
        }
    }

    /**
     * Writes the data header in front of {@code buf[payloadOff .. +length)} and seals the payload in place; returns
     * the datagram's length from the header on, or -1 when the packet is lost (counted).
     */
    private int seal(Session session, PacketSealer sealer, byte[] buf, int payloadOff, int length) {
        long counter = session.nextCounter();
        if (counter >= ReplayWindow.REJECT_AFTER_MESSAGES) {
            counters.increment(Counters.Counter.DROP_KEY_EXPIRED);
            return -1;
        }
        int headerOff = payloadOff - Messages.DATA_HEADER_LENGTH;
        Messages.writeDataHeader(buf, headerOff, session.remoteIndex(), counter);
        try {
            return Messages.DATA_HEADER_LENGTH + sealer.seal(counter, buf, headerOff, Messages.DATA_HEADER_LENGTH, payloadOff, length);
        } catch (RuntimeException e) {
            // The session was retired (its keys wiped) between route() and here, or a suite is faulty: this
            // packet is lost, the calling thread (TUN reader or timer) must not be.
            counters.increment(Counters.Counter.SEND_ERRORS);
            log.debug("tunnel {}: sealing for {} failed: {}", name, session.peerAddress(), e.toString());
            return -1;
        }
    }

    /** An authenticated control message (PROTOCOL.md section 7.1) of the types the other side sends. */
    protected abstract void control(Session session, byte[] buf, int off, int len, InetSocketAddress from);

    /** Length of the complete IPv4 or IPv6 packet at {@code off}, or -1 when the bytes are neither. */
    static int ipPacketLength(byte[] buf, int off, int available) {
        if (available < 1) return -1;
        return (buf[off] & 0xF0) == 0x60 ? Ipv6.packetLength(buf, off, available) : Ipv4.packetLength(buf, off, available);
    }

    /** Sends a control message on the session, from the timer thread, which owns the session's control sealer. */
    protected final void sendControl(Session session, byte[] message) {
        timer.execute(() -> {
            if (!running || expired(session)) return;
            byte[] buf = new byte[Messages.DATA_HEADER_LENGTH + message.length + TAG_ROOM];
            System.arraycopy(message, 0, buf, Messages.DATA_HEADER_LENGTH, message.length);
            sendProtocolMessage(session, session.controlSealer, buf, Messages.DATA_HEADER_LENGTH, message.length);
        });
    }

    /** Keys are never used past their lifetime, to send (keepalives included) or to receive. */
    protected final boolean expired(Session session) {
        return session.ageNanos(clock.nanoTime()) >= REJECT_AFTER_NANOS;
    }

    /** An empty data message: keeps NAT mappings open and tells the peer we are alive. Timer thread only. */
    protected final void sendKeepalive(Session session) {
        if (expired(session)) {
            counters.increment(Counters.Counter.DROP_KEY_EXPIRED);
            return;
        }
        byte[] buf = new byte[Messages.DATA_HEADER_LENGTH + TAG_ROOM];
        sendProtocolMessage(session, session.controlSealer, buf, Messages.DATA_HEADER_LENGTH, 0);
    }

    /** @return whether the transport took the message (a failure is counted as a send error) */
    protected final boolean sendHandshake(byte[] message, Carrier via, InetSocketAddress to) {
        try {
            via.current().endpoint().send(message, 0, message.length, to);
            return true;
        } catch (IOException e) {
            counters.increment(Counters.Counter.SEND_ERRORS);
            log.debug("tunnel {}: sending a handshake message to {} failed: {}", name, to, e.getMessage());
            return false;
        }
    }

    protected final void drop(Counters.Counter reason, InetSocketAddress from) {
        counters.increment(reason);
        drops.dropped(reason, from);
    }

    // ---- transports: open, swap, let go -----------------------------------------------------------------

    /** Opens an endpoint of {@code transport} and starts reading it. */
    protected final Carrier open(Transport transport) throws IOException {
        return open(transport, openEndpoint(transport));
    }

    /** Starts reading an endpoint opened otherwise (beside another, say). */
    protected final Carrier open(Transport transport, TransportEndpoint endpoint) {
        Carrier carrier = new Carrier(transport, endpoint);
        carriers.add(carrier);
        startReading(carrier);
        return carrier;
    }

    /** Starts the carrier's reader, then opens its lanes and starts theirs. */
    private void startReading(Carrier carrier) {
        startSocketReader(carrier);
        for (int lane = 1; lane < dataLanes(); lane++) {
            TransportEndpoint endpoint;
            try {
                endpoint = carrier.transport().listenBeside(carrier.endpoint());
            } catch (IOException | RuntimeException e) {
                log.info("tunnel {}: transport {} receives on {} thread(s): it cannot open another endpoint on {}: {}",
                        name, carrier.transport().name(), lane, format(carrier.endpoint().localAddress()), e.getMessage());
                return;
            }
            startSocketReader(carrier.addLane(endpoint));
        }
    }

    /**
     * Threads per direction of the data path: endpoints per transport (lanes, see {@link Carrier}) and queues of the
     * TUN device, each with a reader; a client has one of each.
     */
    protected int dataLanes() {
        return 1;
    }

    /** Closes the carrier's endpoint and those of its lanes. */
    private static void closeLanes(Carrier carrier) {
        for (Carrier lane : carrier.lanes()) closeQuietly(lane.endpoint());
    }

    /**
     * Puts {@code next} in the place of {@code old}, make before break: {@code next} is read before {@code old}
     * closes, and sessions on {@code old} send on {@code next} until their peer is heard on it.
     */
    protected final synchronized void replace(Carrier old, Carrier next) {
        if (!carriers.contains(next)) {
            carriers.add(next);
            startReading(next);
        }
        old.replacedBy(next);
        carriers.remove(old);
        closeLanes(old);
        carrierReplaced(old, next);
    }

    /** Closes a carrier that nothing replaces. */
    protected final synchronized void close(Carrier carrier) {
        carriers.remove(carrier);
        closeLanes(carrier);
    }

    /** Called after {@link #replace}, with the tunnel's monitor held. */
    protected void carrierReplaced(Carrier old, Carrier next) {}

    /**
     * Moves what runs on {@code old} to {@code next}, make before break. Peers follow through roaming (a peer's
     * address is its latest authenticated source), so sessions and the TUN device stay as they are.
     */
    public synchronized void swapTransport(Transport old, Transport next) throws IOException {
        if (!running || next == old) return;
        Carrier current = carrierOf(old);
        if (current == null) return;
        Carrier opened = new Carrier(next, openReplacement(next, current.endpoint()));
        replace(current, opened);
        log.info("tunnel {}: now on transport {} ({}) instead of {}", name, next.name(),
                format(opened.endpoint().localAddress()), old.name());
        afterTransportSwap();
    }

    /** The carrier on this transport instance, or null. */
    protected final Carrier carrierOf(Transport transport) {
        for (Carrier carrier : carriers) {
            if (carrier.transport() == transport) return carrier;
        }
        return null;
    }

    /**
     * What this tunnel moves to when {@code gone} is uninstalled: another instance of the same name (a bundle
     * update), or nothing; a client that may choose its transport also takes another of its policy.
     */
    public Optional<Transport> replacementFor(Transport gone) {
        return transports.installed().apply(gone.name()).filter(other -> other != gone);
    }

    /** Whether the tunnel runs on without {@code gone} (a server that also listens on another transport). */
    public boolean canLetGo(Transport gone) {
        return false;
    }

    /** Closes the endpoint on {@code gone}, which nothing replaced in time. */
    public void letGo(Transport gone) {
        Carrier carrier = carrierOf(gone);
        if (carrier == null) return;
        close(carrier);
        log.warn("tunnel {}: no longer on transport {}: it went away and did not come back; still on {}", name,
                gone.name(), transportNames());
    }

    /** A transport was installed: a server that listens on every transport of its policy opens it. */
    public void transportAdded(Transport transport) {}

    /** The endpoint that replaces {@code current}; a server binds beside it so its port never goes dark. */
    protected TransportEndpoint openReplacement(Transport next, TransportEndpoint current) throws IOException {
        return openEndpoint(next);
    }

    /** Opens an endpoint of this tunnel's kind (listening for a server, connected for a client). */
    protected abstract TransportEndpoint openEndpoint(Transport transport) throws IOException;

    /** A client re-handshakes at once so the server learns its new endpoint. */
    protected void afterTransportSwap() {}

    /**
     * Replaces the TUN device and its host network plan, keeping the sessions: a dead device (say, deleted with
     * {@code ip link del}) by one with the same settings, or a client's by one for the address its server now
     * pushes ({@link #openDevice()} reads the current settings). Stops the tunnel when that fails.
     */
    protected final synchronized void replaceDevice(TunDevice dead) {
        if (!running || (dead != tun && !tunQueues.contains(dead))) return;
        String before = state;
        state = "rebuilding the TUN device";
        try {
            if (network != null) network.close();
        } catch (IOException | RuntimeException e) {
            log.warn("tunnel {}: reverting the host changes of the dead device failed: {}", name, e.getMessage());
        }
        network = null;
        endTunReaders(tun, List.of());
        try {
            openDevice();
        } catch (IOException | RuntimeException e) {
            log.error("tunnel {}: cannot make a new TUN device ({}); stopping the tunnel", name, e.getMessage());
            stopInBackground();
            return;
        }
        startTunReader();
        state = before;
        log.info("tunnel {}: running on the new TUN device {}", name, tun.name());
    }

    /** Stops the tunnel from one of its own threads, which stop() would otherwise wait for. */
    protected final void stopInBackground() {
        Thread stopper = new Thread(() -> {
            try {
                stop();
            } catch (IOException revert) {
                log.error("tunnel {}: restoring the host failed: {}", name, revert.getMessage());
            }
        }, "netproxy-" + name + "-stop");
        stopper.start();
    }

    /** Stops threads, closes sessions and devices and reverts host changes. Idempotent. */
    public void stop() throws IOException {
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            state = "stopped";
        }
        timer.shutdownNow();
        IOException revertFailure = null;
        try {
            // Routes and rules go first, in reverse order of their creation, while the TUN device still exists.
            if (network != null) network.close();
        } catch (IOException e) {
            revertFailure = e;
        } catch (RuntimeException e) {
            revertFailure = new IOException("reverting the host changes failed: " + e, e);
        } finally {
            // the kill switch last: nothing leaves outside the tunnel until the routes into it are gone
            AppliedNetworkPlan heldKillSwitch = killSwitch;
            killSwitch = null;
            killSwitchSpec = null;
            if (heldKillSwitch != null) {
                try {
                    heldKillSwitch.close();
                } catch (IOException | RuntimeException e) {
                    IOException failure = new IOException("lifting the kill switch failed: " + e.getMessage(), e);
                    if (revertFailure == null) revertFailure = failure;
                    else revertFailure.addSuppressed(failure);
                }
            }
            for (Carrier carrier : carriers) closeLanes(carrier);
            List<TunDevice> queues = tunQueues;
            for (TunDevice queue : queues) closeQuietly(queue);
            if (tun != null && !queues.contains(tun)) closeQuietly(tun);
            synchronized (threads) {
                for (Thread thread : threads) {
                    try {
                        thread.join(2000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            try {
                closeSessions();
            } catch (RuntimeException e) {
                log.warn("tunnel {}: closing sessions failed: {}", name, e.toString());
            }
            stopped.countDown();
            log.info("tunnel {} stopped", name);
            for (Runnable listener : stopListeners) {
                // removed as it runs, so that one onStopped() adds at this moment runs exactly once
                if (!stopListeners.remove(listener)) continue;
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.warn("tunnel {}: a stop listener failed: {}", name, e.toString());
                }
            }
        }
        if (revertFailure != null) throw revertFailure;
    }

    /** Runs a timer task so that one failure is logged instead of silently cancelling the periodic task. */
    protected final Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("tunnel {}: timer task failed: {}", name, e.toString(), e);
            }
        };
    }

    public boolean isRunning() { return running; }

    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    protected static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) return;
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // Closing on the way out: nothing left to do with the error.
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code 198.51.100.10:6767}, or {@code *:6767} for a wildcard bind. */
    protected static String format(InetSocketAddress address) {
        if (address == null) return "-";
        String host = address.getAddress() == null ? address.getHostString()
                : address.getAddress().isAnyLocalAddress() ? "*" : address.getAddress().getHostAddress();
        // an IPv6 address in brackets, so that the port stands apart: [2001:db8:0:0:0:0:0:1]:6767
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    protected List<String> networkDescription() {
        List<String> lines = new ArrayList<>();
        AppliedNetworkPlan held = killSwitch;
        if (held != null) lines.addAll(held.describe());
        AppliedNetworkPlan applied = network;
        if (applied != null) lines.addAll(applied.describe());
        return lines;
    }

    private void closeReporting(AppliedNetworkPlan applied, Exception failure) {
        try {
            applied.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
