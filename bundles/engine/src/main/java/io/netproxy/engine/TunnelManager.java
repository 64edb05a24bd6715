package io.netproxy.engine;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.Transport;
import io.netproxy.api.TunBackend;
import io.netproxy.api.tunnel.PluginKind;
import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import io.netproxy.engine.tunnel.ClientTunnel;
import io.netproxy.engine.tunnel.EngineClock;
import io.netproxy.engine.tunnel.Plugins;
import io.netproxy.engine.tunnel.ServerTunnel;
import io.netproxy.engine.tunnel.Tunnel;
import io.netproxy.engine.tunnel.Tunables;
import io.netproxy.engine.tunnel.TransportPolicy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link TunnelService}: picks the implementations a tunnel asks for (by name, or the highest
 * ranked), starts and stops tunnels, and moves running tunnels to another transport when theirs goes away.
 * All references are dynamic and greedy, so bundles can be added, updated or stopped while tunnels run.
 */
@Component(service = TunnelService.class, immediate = true, configurationPid = EngineConfiguration.PID)
@Designate(ocd = EngineConfiguration.class)
public final class TunnelManager implements TunnelService {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelManager.class);

    private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();
    private final RankedServices<Transport> transports = new RankedServices<>(Transport.PROPERTY);
    private final RankedServices<CipherSuite> ciphers = new RankedServices<>(CipherSuite.PROPERTY);
    /** Suites ignored because another installed suite has their wire id; guarded by {@link #ciphers}. */
    private final Map<CipherSuite, Map<String, Object>> refusedCiphers = new java.util.LinkedHashMap<>();
    private final RankedServices<TunBackend> tunBackends = new RankedServices<>(TunBackend.PROPERTY);
    private final RankedServices<NetworkConfigurator> configurators = new RankedServices<>(NetworkConfigurator.PROPERTY);
    private volatile boolean active;
    /**
     * Transports gone from under a tunnel, with the timer that lets them go (or stops the tunnel, when it has no
     * other) unless a replacement comes.
     */
    private final Map<Orphan, ScheduledFuture<?>> orphans = new ConcurrentHashMap<>();

    /** A tunnel still on an endpoint of an uninstalled transport: stopping a bundle does not close its sockets. */
    private record Orphan(Tunnel tunnel, Transport transport) {}

    /** A tunnel whose TUN backend or configurator, of that name, was uninstalled, with the timer that replaces it. */
    private record Gone(Tunnel tunnel, PluginKind kind, String name) {}

    private final Map<Gone, ScheduledFuture<?>> goneParts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService orphanTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "netproxy-transport-grace");
        t.setDaemon(true);
        return t;
    });
    /** What the engine's configuration says, replaced whole on each valid edit. */
    private volatile Settings settings = Settings.DEFAULTS;
    /** What this instance reverted of earlier runs' leftovers when it started, for {@link #cleanup()}. */
    private final List<String> revertedOnStart = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile BundleContext context;

    @Activate
    void activate(BundleContext context, EngineConfiguration configuration) {
        this.context = context;
        modified(configuration);
        active = true;
        configurators.all().forEach(this::recover);
    }

    /** An edit of etc/io.netproxy.engine.cfg: checked whole; a bad value keeps every setting as it was. */
    @Modified
    void modified(EngineConfiguration configuration) {
        try {
            settings = Settings.of(configuration);
        } catch (RuntimeException e) {
            // a value out of range, or one SCR cannot convert to a number (it throws a ComponentException)
            LOG.error("{} (etc/{}.cfg): {}; the engine keeps its settings", EngineConfiguration.PID,
                    EngineConfiguration.PID, e.getMessage());
        }
    }

    /** The checked configuration. */
    record Settings(Tunables tunables, int transportGraceSeconds, int pluginWaitSeconds) {
        static final Settings DEFAULTS = new Settings(Tunables.DEFAULTS, 30, 10);

        static Settings of(EngineConfiguration c) {
            return new Settings(new Tunables(
                    within("handshakesPerSecond", c.handshakesPerSecond(), 1, 10_000),
                    within("handshakeBurst", c.handshakeBurst(), 1, 100_000),
                    within("defaultMtu", c.defaultMtu(), 576, 9000),
                    dataThreads(within("dataThreads", c.dataThreads(), 0, 64))),
                    within("transportGraceSeconds", c.transportGraceSeconds(), 0, 3600),
                    within("pluginWaitSeconds", c.pluginWaitSeconds(), 0, 600));
        }

        /** 0 stands for the default, one per CPU. */
        private static int dataThreads(int configured) {
            return configured == 0 ? Tunables.defaultDataThreads() : configured;
        }

        private static int within(String key, int value, int min, int max) {
            if (value >= min && value <= max) return value;
            throw new IllegalArgumentException(key + ": '" + value + "' is not allowed; expected a whole number from "
                    + min + " to " + max);
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        orphanTimer.shutdownNow();
        orphans.clear();
        for (Tunnel tunnel : List.copyOf(tunnels.values())) {
            try {
                tunnel.stop();
            } catch (IOException e) {
                LOG.error("tunnel {}: restoring the host failed: {}", tunnel.name(), e.getMessage());
            }
        }
        tunnels.clear();
    }

    @Override
    public TunnelStatus start(TunnelSpec spec) throws IOException {
        if (!active) throw new IOException("the engine is stopping");
        if (tunnels.containsKey(spec.name())) {
            throw new IOException("a tunnel named '" + spec.name() + "' is already running; stop it first or use --name");
        }
        pick(ciphers, null, "cipher suite");
        TransportPolicy policy = TransportPolicy.of(spec.transport());
        // waits for the named transport, or for any at all under the automatic policy (plugins may still be binding)
        pick(transports, policy.automatic() ? null : policy.names().get(0), "transport");
        Plugins plugins = new Plugins(
                new Plugins.Transports(policy, transports::named, transports::best),
                pick(tunBackends, spec.tunBackend(), "TUN backend"),
                pick(configurators, spec.netconf(), "network configurator"),
                this::installedCiphers,
                EngineClock.SYSTEM,
                stateDirectory(),
                settings.tunables());
        Tunnel tunnel = spec.role() == TunnelSpec.Role.SERVER
                ? ServerTunnel.start(spec, plugins)
                : ClientTunnel.start(spec, plugins);
        if (tunnels.putIfAbsent(spec.name(), tunnel) != null) {
            tunnel.stop();
            throw new IOException("a tunnel named '" + spec.name() + "' was started concurrently");
        }
        // Whoever stops it (an operator, the engine, or the tunnel itself after an error) frees the name; a tunnel
        // that stopped already runs the listener at once.
        tunnel.onStopped(() -> tunnels.remove(spec.name(), tunnel));
        if (!active) {
            // The engine began stopping while this tunnel was being set up: deactivate() may have missed it.
            tunnel.stop();
            throw new IOException("the engine is stopping");
        }
        return tunnel.status();
    }

    private <S> S pick(RankedServices<S> services, String name, String kind) throws IOException {
        int waitSeconds = settings.pluginWaitSeconds();
        Optional<S> chosen;
        try {
            chosen = services.await(name, TimeUnit.SECONDS.toMillis(waitSeconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a " + kind);
        }
        return chosen.orElseThrow(() -> new IOException(name == null
                ? "no " + kind + " is installed"
                : "no " + kind + " named '" + name + "' is installed (installed: " + services.names() + ")"));
    }

    /** The instance's state directory, a framework property the launcher sets; none when embedded without one. */
    private java.nio.file.Path stateDirectory() {
        String dir = context == null ? null : context.getProperty("netproxy.state.dir");
        return dir == null || dir.isBlank() ? null : java.nio.file.Path.of(dir);
    }

    /** Also moves the tunnel to the TUN backend and configurator the spec names, when they are installed. */
    @Override
    public boolean updateInPlace(TunnelSpec spec) {
        Tunnel tunnel = tunnels.get(spec.name());
        if (tunnel == null || !tunnel.canUpdateInPlace(spec)) return false;
        try {
            if (!Objects.equals(spec.tunBackend(), tunnel.tunBackendSetting())) {
                Optional<TunBackend> next = spec.tunBackend() == null ? tunBackends.best() : tunBackends.named(spec.tunBackend());
                if (next.isEmpty()) return false; // a restart says what is missing
                tunnel.swapTunBackend(next.get(), spec.tunBackend());
            }
            if (!Objects.equals(spec.netconf(), tunnel.netconfSetting())) {
                Optional<NetworkConfigurator> next = spec.netconf() == null ? configurators.best()
                        : configurators.named(spec.netconf());
                if (next.isEmpty()) return false;
                tunnel.swapNetconf(next.get(), spec.netconf());
            }
        } catch (IOException e) {
            LOG.warn("tunnel {}: cannot follow the new settings in place ({}); restarting it", spec.name(), e.getMessage());
            return false;
        }
        return tunnel.updateInPlace(spec);
    }

    @Override
    public void swap(String name, PluginKind kind, String implementation) throws IOException {
        Tunnel tunnel = tunnels.get(name);
        if (tunnel == null) throw new IllegalArgumentException("no tunnel named '" + name + "' is running");
        switch (kind) {
            case TRANSPORT -> tunnel.moveTo(installed(transports, implementation, kind));
            case CIPHER -> tunnel.acceptCiphers(List.of(installed(ciphers, implementation, kind).name()));
            case TUN_BACKEND -> tunnel.swapTunBackend(installed(tunBackends, implementation, kind), implementation);
            case NETCONF -> tunnel.swapNetconf(installed(configurators, implementation, kind), implementation);
        }
        LOG.info("tunnel {}: {} is now {}, as asked", name, kind.word(), implementation);
    }

    private static <S> S installed(RankedServices<S> services, String name, PluginKind kind) {
        return services.named(name).orElseThrow(() -> new IllegalArgumentException("no " + kind.word() + " named '"
                + name + "' is installed (installed: " + services.names() + ")"));
    }

    @Override
    public List<String> cleanup() throws IOException {
        return cleanup(false);
    }

    @Override
    public List<String> cleanupKeepingKillSwitches() throws IOException {
        return cleanup(true);
    }

    @Override
    public byte[] newPasswordCredential(char[] password) {
        return io.netproxy.engine.protocol.PasswordCredential.make(password);
    }

    private List<String> cleanup(boolean keepKillSwitches) throws IOException {
        List<String> lines = new java.util.ArrayList<>(revertedOnStart);
        List<String> failures = new java.util.ArrayList<>();
        for (NetworkConfigurator configurator : configurators.all()) {
            try {
                // recover(), as at start, leaves the kill switches of clients that died; cleanup() lifts them too
                List<String> reverted = keepKillSwitches ? configurator.recover() : configurator.cleanup();
                for (String line : reverted) lines.add(configurator.name() + ": reverted " + line);
            } catch (IOException | RuntimeException e) {
                failures.add(configurator.name() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            lines.forEach(line -> LOG.warn("cleanup: {}", line));
            throw new IOException("could not revert everything: " + String.join("; ", failures)
                    + (lines.isEmpty() ? "" : "; what was reverted: " + String.join("; ", lines)));
        }
        return lines;
    }

    @Override
    public boolean stop(String name) throws IOException {
        Tunnel tunnel = tunnels.remove(name);
        if (tunnel == null) return false;
        tunnel.stop();
        return true;
    }

    @Override
    public List<TunnelStatus> tunnels() {
        return tunnels.values().stream().map(Tunnel::status).toList();
    }

    @Override
    public Optional<TunnelStatus> tunnel(String name) {
        return Optional.ofNullable(tunnels.get(name)).map(Tunnel::status);
    }

    @Override
    public boolean awaitStopped(String name, long timeout, TimeUnit unit) throws InterruptedException {
        Tunnel tunnel = tunnels.get(name);
        return tunnel == null || tunnel.awaitStopped(timeout, unit);
    }

    private void recover(NetworkConfigurator configurator) {
        try {
            String when = java.time.LocalDateTime.now().withNano(0).toString().replace('T', ' ');
            for (String reverted : configurator.recover()) {
                LOG.warn("reverted what a previous run left behind ({}): {}", configurator.name(), reverted);
                revertedOnStart.add(configurator.name() + ": reverted at " + when + ", when this instance started: " + reverted);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("could not revert what a previous run left behind ({}): {}; run 'netproxy cleanup'",
                    configurator.name(), e.getMessage());
        }
    }

    // ---- service references ------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(Transport transport, Map<String, Object> properties) {
        transports.add(transport, properties);
        for (Orphan orphan : List.copyOf(orphans.keySet())) {
            // an updated bundle's transport came back, or one the tunnel may fall back to
            Optional<Transport> replacement = orphan.tunnel().replacementFor(orphan.transport());
            if (replacement.isEmpty()) continue;
            ScheduledFuture<?> pending = orphans.remove(orphan);
            if (pending == null) continue;
            pending.cancel(false);
            swap(orphan.tunnel(), orphan.transport(), replacement.get());
        }
        for (Tunnel tunnel : tunnels.values()) tunnel.transportAdded(transport);
    }

    void removeTransport(Transport transport) {
        transports.remove(transport);
        if (frameworkStopping()) return; // deactivate() stops the tunnels next; nothing to move them to

        for (Tunnel tunnel : tunnels.values()) {
            if (!tunnel.transportsInUse().contains(transport)) continue;
            Optional<Transport> replacement = tunnel.replacementFor(transport);
            if (replacement.isPresent()) {
                swap(tunnel, transport, replacement.get());
                continue;
            }
            int grace = settings.transportGraceSeconds();
            // The old socket keeps working meanwhile: stopping a bundle does not close what it opened.
            LOG.warn("tunnel {}: its transport {} went away; waiting {} s for it to come back", tunnel.name(),
                    transport.name(), grace);
            Orphan orphan = new Orphan(tunnel, transport);
            orphans.put(orphan, orphanTimer.schedule(() -> {
                if (orphans.remove(orphan) == null) return;
                if (tunnel.canLetGo(transport)) {
                    tunnel.letGo(transport);
                } else {
                    LOG.error("tunnel {}: no transport came back; stopping it", tunnel.name());
                    stopQuietly(tunnel);
                }
            }, grace, TimeUnit.SECONDS));
        }
    }

    private boolean frameworkStopping() {
        BundleContext bundles = context;
        return bundles != null && bundles.getBundle(0).getState() == Bundle.STOPPING;
    }

    private void swap(Tunnel tunnel, Transport old, Transport next) {
        try {
            tunnel.swapTransport(old, next);
        } catch (IOException e) {
            LOG.error("tunnel {}: moving to transport {} failed: {}; stopping it", tunnel.name(), next.name(),
                    e.getMessage());
            stopQuietly(tunnel);
        }
    }

    private void stopQuietly(Tunnel tunnel) {
        tunnels.remove(tunnel.name(), tunnel);
        try {
            tunnel.stop();
        } catch (IOException e) {
            LOG.error("tunnel {}: restoring the host failed: {}", tunnel.name(), e.getMessage());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addCipher(CipherSuite cipher, Map<String, Object> properties) {
        // one wire id, one suite: a peer could not tell two apart (PROTOCOL.md section 6)
        synchronized (ciphers) {
            Optional<CipherSuite> taken = ciphers.all().stream().filter(c -> c.wireId() == cipher.wireId()).findFirst();
            if (taken.isPresent()) {
                LOG.error("cipher suite {} is ignored: its wire id {} is the one of {}, installed already", cipher.name(),
                        cipher.wireId(), taken.get().name());
                refusedCiphers.put(cipher, properties);
                return;
            }
            ciphers.add(cipher, properties);
        }
    }

    /** The suites tunnels may use now, best ranked first; never two with one wire id. */
    List<CipherSuite> installedCiphers() {
        return ciphers.all();
    }

    void removeCipher(CipherSuite cipher) {
        synchronized (ciphers) {
            if (refusedCiphers.remove(cipher) != null) return;
            ciphers.remove(cipher);
            // its sessions move to another suite at once, rather than at their next rekey
            for (Tunnel tunnel : tunnels.values()) tunnel.cipherGone(cipher);
            // a suite ignored for sharing the wire id of this one takes its place
            for (Map.Entry<CipherSuite, Map<String, Object>> waiting : List.copyOf(refusedCiphers.entrySet())) {
                if (waiting.getKey().wireId() != cipher.wireId()) continue;
                refusedCiphers.remove(waiting.getKey());
                ciphers.add(waiting.getKey(), waiting.getValue());
                LOG.info("cipher suite {} now takes wire id {}", waiting.getKey().name(), cipher.wireId());
                break;
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTunBackend(TunBackend backend, Map<String, Object> properties) {
        tunBackends.add(backend, properties);
        // an updated bundle's backend takes the device over from the old revision's objects
        replaceGone(PluginKind.TUN_BACKEND, backend.name(), tunnel -> tunnel.swapTunBackend(backend, tunnel.tunBackendSetting()));
    }

    void removeTunBackend(TunBackend backend) {
        tunBackends.remove(backend);
        if (frameworkStopping()) return;
        for (Tunnel tunnel : tunnels.values()) {
            if (tunnel.tunBackend() == backend) awaitReplacement(tunnel, PluginKind.TUN_BACKEND, backend.name());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addConfigurator(NetworkConfigurator configurator, Map<String, Object> properties) {
        configurators.add(configurator, properties);
        // an updated configurator serves on; its old revision's plan stays in force and is not applied again
        replaceGone(PluginKind.NETCONF, configurator.name(), tunnel -> tunnel.adoptNetconf(configurator));
        if (active) recover(configurator);
    }

    void removeConfigurator(NetworkConfigurator configurator) {
        configurators.remove(configurator);
        if (frameworkStopping()) return;
        for (Tunnel tunnel : tunnels.values()) {
            if (tunnel.netconf() == configurator) awaitReplacement(tunnel, PluginKind.NETCONF, configurator.name());
        }
    }

    /**
     * A TUN backend or configurator a tunnel uses went away; its objects keep working meanwhile (stopping a bundle
     * does not close what it opened). A new revision of the same name takes over when it comes ({@link #replaceGone});
     * after the grace period the best-ranked other implementation does, if there is one.
     */
    private void awaitReplacement(Tunnel tunnel, PluginKind kind, String name) {
        int grace = settings.transportGraceSeconds();
        LOG.warn("tunnel {}: its {} {} went away; waiting {} s for it to come back", tunnel.name(), kind.word(), name,
                grace);
        Gone gone = new Gone(tunnel, kind, name);
        goneParts.put(gone, orphanTimer.schedule(() -> {
            if (goneParts.remove(gone) == null || !tunnel.isRunning()) return;
            try {
                if (kind == PluginKind.TUN_BACKEND) {
                    Optional<TunBackend> other = tunBackends.best();
                    if (other.isPresent()) tunnel.swapTunBackend(other.get(), tunnel.tunBackendSetting());
                    else LOG.warn("tunnel {}: no TUN backend came; it runs on with the old one's device", tunnel.name());
                } else {
                    Optional<NetworkConfigurator> other = configurators.best();
                    if (other.isPresent()) tunnel.swapNetconf(other.get(), tunnel.netconfSetting());
                    else LOG.warn("tunnel {}: no network configurator came; the old one's plan stays", tunnel.name());
                }
            } catch (IOException e) {
                LOG.error("tunnel {}: moving to another {} failed: {}; it runs on with the old one", tunnel.name(),
                        kind.word(), e.getMessage());
            }
        }, grace, TimeUnit.SECONDS));
    }

    private interface Takeover {
        void run(Tunnel tunnel) throws IOException;
    }

    /** The tunnels waiting for a part of this kind and name take the one that came. */
    private void replaceGone(PluginKind kind, String name, Takeover takeover) {
        for (Gone gone : List.copyOf(goneParts.keySet())) {
            if (gone.kind() != kind || !gone.name().equals(name)) continue;
            ScheduledFuture<?> pending = goneParts.remove(gone);
            if (pending == null) continue;
            pending.cancel(false);
            try {
                takeover.run(gone.tunnel());
            } catch (IOException e) {
                LOG.error("tunnel {}: the new {} {} cannot take over: {}; it runs on with the old one",
                        gone.tunnel().name(), kind.word(), name, e.getMessage());
            }
        }
    }
}
