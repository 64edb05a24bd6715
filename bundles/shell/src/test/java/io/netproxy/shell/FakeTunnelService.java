package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory TunnelService: records starts and stops; a start can be made to fail. */
class FakeTunnelService implements TunnelService {
    final Map<String, TunnelStatus> running = new ConcurrentHashMap<>();
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<String> stopped = new CopyOnWriteArrayList<>();
    /** Secrets as they were at start, before the caller wiped them. */
    final List<char[]> passwords = new CopyOnWriteArrayList<>();
    final AtomicInteger startFailures = new AtomicInteger();
    volatile RuntimeException failWith;
    final AtomicInteger listCalls = new AtomicInteger();

    static TunnelStatus status(String name, String state) {
        return TunnelStatus.builder(name, TunnelSpec.Role.CLIENT).state(state).tunInterface("tun0")
                .tunAddress("10.67.0.2/24").endpoint("192.0.2.1:6767").transport("udp").tunBackend("linux")
                .netconf("iptables").build();
    }

    /** When set, a start waits for it to open: a handshake that takes its time. */
    volatile java.util.concurrent.CountDownLatch holdStart;

    @Override
    public TunnelStatus start(TunnelSpec spec) throws IOException {
        java.util.concurrent.CountDownLatch hold = holdStart;
        if (hold != null) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        if (startFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            RuntimeException runtime = failWith;
            if (runtime != null) throw runtime;
            throw new IOException("start failed on purpose");
        }
        if (running.containsKey(spec.name())) throw new IOException("a tunnel named '" + spec.name() + "' is already running");
        if (spec.password() != null) passwords.add(spec.password().clone());
        TunnelStatus status = status(spec.name(), "connected");
        running.put(spec.name(), status);
        started.add(spec.name());
        return status;
    }

    @Override
    public boolean stop(String name) {
        stopped.add(name);
        return running.remove(name) != null;
    }

    @Override
    public List<TunnelStatus> tunnels() {
        List<TunnelStatus> all = new ArrayList<>(running.values());
        listCalls.incrementAndGet(); // after the copy: a test that waits for a listing knows what it saw
        return all;
    }

    @Override
    public Optional<TunnelStatus> tunnel(String name) {
        return Optional.ofNullable(running.get(name));
    }

    @Override
    public boolean awaitStopped(String name, long timeout, TimeUnit unit) {
        return true; // like a tunnel that has stopped but is still listed: returns at once
    }

    /** What updateInPlace answers. */
    volatile boolean inPlace;
    final List<String> updated = new CopyOnWriteArrayList<>();

    @Override
    public boolean updateInPlace(TunnelSpec spec) {
        if (inPlace) updated.add(spec.name());
        return inPlace && running.containsKey(spec.name());
    }

    /** The swaps asked for, as {@code tunnel kind implementation}. */
    final List<String> swaps = new CopyOnWriteArrayList<>();

    @Override
    public void swap(String tunnel, io.netproxy.api.tunnel.PluginKind kind, String implementation)
            throws java.io.IOException {
        if (!running.containsKey(tunnel)) throw new IllegalArgumentException("no tunnel named '" + tunnel + "' is running");
        if (implementation.equals("broken")) throw new java.io.IOException("the broken one failed");
        swaps.add(tunnel + " " + kind.word() + " " + implementation);
    }

    @Override
    public List<String> cleanup() {
        return List.of("reverted a kill switch");
    }

    @Override
    public List<String> cleanupKeepingKillSwitches() {
        return List.of("reverted routes");
    }

    /** Version 2, then the password's characters over and over: what a credential looks like, made from its password. */
    @Override
    public byte[] newPasswordCredential(char[] password) {
        byte[] credential = new byte[113];
        credential[0] = 2;
        for (int i = 1; i < credential.length; i++) credential[i] = (byte) password[i % password.length];
        return credential;
    }
}
