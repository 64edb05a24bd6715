package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.fail;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Servers and clients on one {@link InMemoryNetwork}, each with its own fake TUN backend and recording
 * network configurator. Closing stops every tunnel started through it.
 */
final class TunnelHarness implements AutoCloseable {
    static final String SERVER_IP = "192.0.2.1";
    static final int PORT = TunnelSpec.DEFAULT_PORT;
    static final InetSocketAddress SERVER = InMemoryNetwork.address(SERVER_IP, PORT);
    static final String POOL = "10.67.0.0/24";

    final InMemoryNetwork network = new InMemoryNetwork();
    /** A second medium beside {@link #network}, for the "tcp" of tunnels on the automatic transport policy. */
    final InMemoryNetwork tcpNetwork = new InMemoryNetwork();
    private final List<Node<?>> nodes = new ArrayList<>();
    private final EngineClock clock;
    private final Tunables tunables;

    /** Tunnels on the system clock. */
    TunnelHarness() {
        this(EngineClock.SYSTEM);
    }

    /** Tunnels whose timers run on {@code clock}, such as a {@link FakeClock}. */
    TunnelHarness(EngineClock clock) {
        this(clock, Tunables.DEFAULTS);
    }

    /** The state directory of the nodes made from now on (each keeps its files under its tunnel's name), or null. */
    Path stateDirectory;

    /** Tunnels on {@code clock} with the engine's tunables set to {@code tunables}. */
    TunnelHarness(EngineClock clock, Tunables tunables) {
        this.clock = clock;
        this.tunables = tunables;
    }

    /** One side: the tunnel and the fakes it runs on. */
    static final class Node<T extends Tunnel> {
        final InMemoryNetwork.MemoryTransport transport;
        final FakeTun tunBackend = new FakeTun();
        final RecordingNetconf netconf = new RecordingNetconf();
        final TestAesGcm suite = new TestAesGcm();
        /** The suites installed on this node, best first; tests add and remove suites as bundles would come and go. */
        final List<CipherSuite> suites = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(suite));
        final Plugins plugins;
        T tunnel;

        Node(InMemoryNetwork.MemoryTransport transport, EngineClock clock, Tunables tunables, Path stateDirectory) {
            this(transport, Plugins.Transports.only(transport), clock, tunables, stateDirectory);
        }

        /** A node whose first transport is {@code transport}, with {@code transports} to choose from. */
        Node(InMemoryNetwork.MemoryTransport transport, Plugins.Transports transports, EngineClock clock, Tunables tunables,
             Path stateDirectory) {
            this.transport = transport;
            this.plugins = new Plugins(transports, tunBackend, netconf, () -> suites, clock, stateDirectory, tunables);
        }

        FakeTun.Device tun() { return tunBackend.device(); }

        InMemoryNetwork.Endpoint endpoint() { return transport.last(); }

        Map<String, Long> counters() { return tunnel.status().counters(); }

        long counter(String label) { return counters().getOrDefault(label, 0L); }

        /** Sum of every drop.* counter. */
        long drops() {
            return counters().entrySet().stream().filter(e -> e.getKey().startsWith("drop."))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /**
     * A node on the automatic transport policy: "udp" on {@link #network} and "tcp" on {@link #tcpNetwork}, each
     * installed while {@code installed} says so.
     */
    <T extends Tunnel> Node<T> automaticNode(String hostIp, java.util.function.Predicate<String> installed) {
        InMemoryNetwork.MemoryTransport udp = (InMemoryNetwork.MemoryTransport) network.transport("udp", hostIp);
        InMemoryNetwork.MemoryTransport tcp = (InMemoryNetwork.MemoryTransport) tcpNetwork.transport("tcp", hostIp);
        Map<String, io.netproxy.api.Transport> byName = Map.of("udp", udp, "tcp", tcp);
        java.util.function.Function<String, java.util.Optional<io.netproxy.api.Transport>> lookup =
                name -> installed.test(name) ? java.util.Optional.ofNullable(byName.get(name)) : java.util.Optional.empty();
        Node<T> node = new Node<>(udp, new Plugins.Transports(TransportPolicy.of(null), lookup,
                () -> lookup.apply("udp").or(() -> lookup.apply("tcp"))), clock, tunables, stateDirectory);
        synchronized (nodes) {
            nodes.add(node);
        }
        return node;
    }

    Node<ServerTunnel> server(TunnelSpec spec) throws IOException {
        return server(spec, node -> {});
    }

    /** A server whose fakes {@code prepare} sets up before it starts. */
    Node<ServerTunnel> server(TunnelSpec spec, java.util.function.Consumer<Node<ServerTunnel>> prepare) throws IOException {
        Node<ServerTunnel> node = new Node<>((InMemoryNetwork.MemoryTransport) network.transport("memory", SERVER_IP), clock, tunables, stateDirectory);
        synchronized (nodes) {
            nodes.add(node);
        }
        prepare.accept(node);
        node.tunnel = ServerTunnel.start(spec, node.plugins);
        return node;
    }

    /** A server on a transport that shares its port among endpoints (see {@link InMemoryNetwork#sharingTransport}). */
    Node<ServerTunnel> sharingServer(TunnelSpec spec, java.util.function.Consumer<Node<ServerTunnel>> prepare)
            throws IOException {
        Node<ServerTunnel> node = new Node<>(network.sharingTransport("memory", SERVER_IP), clock, tunables, stateDirectory);
        synchronized (nodes) {
            nodes.add(node);
        }
        prepare.accept(node);
        node.tunnel = ServerTunnel.start(spec, node.plugins);
        return node;
    }

    /** A client whose transport could share ports and whose TUN devices could have more queues. */
    Node<ClientTunnel> sharingClient(TunnelSpec spec, String hostIp) throws IOException {
        Node<ClientTunnel> node = new Node<>(network.sharingTransport("memory", hostIp), clock, tunables, stateDirectory);
        node.tunBackend.multiQueue = true;
        synchronized (nodes) {
            nodes.add(node);
        }
        node.tunnel = ClientTunnel.start(spec, node.plugins);
        return node;
    }

    /** A client on a host with address {@code hostIp}; the tunnel is null when start throws. */
    Node<ClientTunnel> clientNode(String hostIp) {
        Node<ClientTunnel> node = new Node<>((InMemoryNetwork.MemoryTransport) network.transport("memory", hostIp), clock, tunables, stateDirectory);
        synchronized (nodes) {
            nodes.add(node);
        }
        return node;
    }

    Node<ClientTunnel> client(TunnelSpec spec, String hostIp) throws IOException {
        Node<ClientTunnel> node = clientNode(hostIp);
        node.tunnel = ClientTunnel.start(spec, node.plugins);
        return node;
    }

    static TunnelSpec passwordServer(String name, String password) {
        return TunnelSpec.builder(name, TunnelSpec.Role.SERVER).host(SERVER_IP).port(PORT)
                .password(password.toCharArray()).pool(POOL).dns(List.of("1.1.1.1")).build();
    }

    static TunnelSpec passwordClient(String name, String password, int handshakeTimeoutSeconds) {
        return TunnelSpec.builder(name, TunnelSpec.Role.CLIENT).host(SERVER_IP).port(PORT)
                .password(password.toCharArray()).handshakeTimeoutSeconds(handshakeTimeoutSeconds).build();
    }

    static TunnelSpec keyServer(String name, byte[] privateKey, List<byte[]> clientKeys, List<String> pushRoutes) {
        return TunnelSpec.builder(name, TunnelSpec.Role.SERVER).host(SERVER_IP).port(PORT).privateKey(privateKey)
                .peerPublicKeys(clientKeys).pool(POOL).pushRoutes(pushRoutes).build();
    }

    static TunnelSpec keyClient(String name, byte[] privateKey, byte[] serverKey) {
        return TunnelSpec.builder(name, TunnelSpec.Role.CLIENT).host(SERVER_IP).port(PORT).privateKey(privateKey)
                .peerPublicKeys(List.of(serverKey)).handshakeTimeoutSeconds(5).build();
    }

    /**
     * Waits until every datagram sent so far, and every answer to it, has been handled: nothing on the wire, no
     * server still working out a handshake, and nothing that a received packet handed to a timer thread (a control
     * message's handshake, say) still queued there. Tests on a fake clock call it before they move time again, so
     * that an answer that takes real milliseconds is not late by fake seconds.
     */
    void settle() throws Exception {
        // a timer task may send (and so make the network busy again): settled is quiet after the timers ran, twice
        for (int quietAfterTimers = 0; quietAfterTimers < 2; ) {
            await("the network settles", Duration.ofSeconds(10), this::quiet);
            for (Tunnel tunnel : runningTunnels()) tunnel.awaitQueuedTimerTasks();
            quietAfterTimers = quiet() ? quietAfterTimers + 1 : 0;
        }
    }

    private boolean quiet() {
        return network.quiet() && tcpNetwork.quiet() && serversIdle() && network.quiet() && tcpNetwork.quiet();
    }

    private List<Tunnel> runningTunnels() {
        synchronized (nodes) {
            return nodes.stream().map(node -> (Tunnel) node.tunnel).filter(t -> t != null && t.isRunning()).toList();
        }
    }

    private boolean serversIdle() {
        synchronized (nodes) {
            return nodes.stream().allMatch(node -> !(node.tunnel instanceof ServerTunnel server) || server.handshakesIdle());
        }
    }

    /** A packet each way between a server and its client at 10.67.0.2, each checked as it arrives. */
    static void roundTrip(Node<ServerTunnel> server, Node<ClientTunnel> client, String label) throws InterruptedException {
        byte[] up = Packets.udp("10.67.0.2", "192.0.2.99", "up " + label);
        client.tun().inject(up);
        org.junit.jupiter.api.Assertions.assertArrayEquals(up, server.tun().awaitDelivered(Duration.ofSeconds(5)),
                "client to server " + label);
        byte[] down = Packets.udp("192.0.2.99", "10.67.0.2", "down " + label);
        server.tun().inject(down);
        org.junit.jupiter.api.Assertions.assertArrayEquals(down, client.tun().awaitDelivered(Duration.ofSeconds(5)),
                "server to client " + label);
    }

    /** One second on the harness's fake clock: each node's timer ticks, and what that sent lands. */
    void second(Node<?>... nodes) throws Exception {
        ((FakeClock) clock).advance(Duration.ofSeconds(1));
        for (Node<?> node : nodes) {
            if (node.tunnel.isRunning()) node.tunnel.tickNow();
        }
        settle();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    /** Threads of a tunnel that are still alive (named {@code netproxy-<tunnel>-...}). */
    static List<String> liveThreads(String tunnel) {
        String prefix = "netproxy-" + tunnel + "-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).map(Thread::getName).sorted().toList();
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<Node<?>> all;
        synchronized (nodes) {
            all = new ArrayList<>(nodes);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Tunnel tunnel = all.get(i).tunnel;
            if (tunnel == null) continue;
            try {
                tunnel.stop();
            } catch (IOException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
