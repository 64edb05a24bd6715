package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A server's data lanes: more endpoints of a transport on its port, each with a reader, among which the network
 * spreads the clients (SO_REUSEPORT in UDP), and more queues of its TUN device, each with a reader, among which the
 * host spreads the flows. Each client is answered on the endpoint it is heard on, each endpoint's reader writes to
 * a queue of its own, and lanes and queues go with their endpoint and device: replaced on a swap or a rebuild,
 * closed at stop.
 */
class DataLanesTest {
    private static final int LANES = 3;
    private static final int CLIENTS = 8;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final List<StaticIdentity> clientKeys = IntStream.range(0, CLIENTS).mapToObj(i -> StaticIdentity.generate()).toList();

    @Test
    void clientsAndFlowsSpreadOverTheLanesAndEachClientIsAnsweredOnItsOwnEndpoint() throws Exception {
        try (TunnelHarness net = new TunnelHarness(EngineClock.SYSTEM, new Tunables(20, 40, 1400, LANES))) {
            TunnelHarness.Node<ServerTunnel> server = net.sharingServer(serverSpec(), node -> node.tunBackend.multiQueue = true);
            List<InMemoryNetwork.Endpoint> lanes = List.copyOf(server.transport.opened);
            assertEquals(LANES, lanes.size(), "endpoints of the server's transport");
            lanes.forEach(lane -> assertEquals(TunnelHarness.SERVER, lane.local));
            List<FakeTun.Device> queues = List.copyOf(server.tun().queues);
            assertEquals(LANES, queues.size(), "queues of the server's TUN device");

            List<TunnelHarness.Node<ClientTunnel>> clients = startClients(net);
            for (TunnelHarness.Node<ClientTunnel> client : clients) roundTrip(server, client);

            assertTrue(lanes.stream().filter(lane -> !lane.heardFrom.isEmpty()).count() >= 2, "clients on 2 lanes or more");
            for (InMemoryNetwork.Endpoint lane : lanes) {
                assertTrue(lane.heardFrom.containsAll(lane.sentTo),
                        "an endpoint answers only the clients it hears: sent to " + lane.sentTo + ", heard " + lane.heardFrom);
            }
            Set<java.net.InetSocketAddress> clientEndpoints = clients.stream().map(c -> c.endpoint().local).collect(Collectors.toSet());
            assertEquals(clientEndpoints, lanes.stream().flatMap(lane -> lane.heardFrom.stream()).collect(Collectors.toSet()));
            assertTrue(queues.stream().filter(queue -> queue.reads.get() > 0).count() >= 2, "flows read from 2 queues or more");
            for (int lane = 0; lane < LANES; lane++) {
                if (lanes.get(lane).heardFrom.isEmpty()) continue;
                assertTrue(queues.get(lane).writes.get() > 0, "the reader of endpoint " + lane + " writes to queue " + lane);
            }
            // flows of one client from many hosts: read from several queues, sealed for one session
            TunnelHarness.Node<ClientTunnel> first = clients.get(0);
            String firstAddress = first.tunBackend.opened.get(0).addresses().get(0).split("/")[0];
            int readsBefore = queues.stream().mapToInt(queue -> queue.reads.get()).sum();
            for (int host = 1; host <= 12; host++) {
                byte[] down = Packets.udp("203.0.113." + host, firstAddress, "flow " + host);
                server.tun().inject(down);
                assertArrayEquals(down, first.tun().awaitDelivered(WAIT), "flow " + host + " to " + firstAddress);
            }
            assertEquals(readsBefore + 12, queues.stream().mapToInt(queue -> queue.reads.get()).sum());
            assertEquals(0, server.suite.sealsByAnotherThread.get(), "each TUN reader seals with sealers of its own");
            assertEquals(LANES, readers("lanes", "tun"), "TUN readers");
            assertEquals(LANES, readers("lanes", "socket"), "endpoint readers");

            server.tunnel.stop();
            lanes.forEach(lane -> assertEquals(1, lane.closes.get(), "closes of an endpoint at stop"));
            queues.forEach(queue -> assertEquals(1, queue.closes.get(), "closes of a queue at stop"));
            assertEquals(0, readers("lanes", "tun") + readers("lanes", "socket"), "readers left after stop");
        }
    }

    @Test
    void aTransportSwapReplacesEveryEndpointAndTheClientsCarryOn() throws Exception {
        try (TunnelHarness net = new TunnelHarness(EngineClock.SYSTEM, new Tunables(20, 40, 1400, LANES))) {
            TunnelHarness.Node<ServerTunnel> server = net.sharingServer(serverSpec(), node -> {});
            List<InMemoryNetwork.Endpoint> before = List.copyOf(server.transport.opened);
            List<TunnelHarness.Node<ClientTunnel>> clients = startClients(net);

            InMemoryNetwork.MemoryTransport next = net.network.sharingTransport("memory-next", TunnelHarness.SERVER_IP);
            server.tunnel.swapTransport(server.transport, next);

            before.forEach(lane -> assertTrue(lane.isClosed(), "an endpoint of the old transport is closed"));
            assertEquals(LANES, next.opened.size(), "endpoints of the new transport");
            TunnelHarness.await("the old endpoints' readers end", WAIT, () -> readers("lanes", "socket") == LANES);
            next.opened.forEach(lane -> assertTrue(!lane.isClosed()));
            for (TunnelHarness.Node<ClientTunnel> client : clients) roundTrip(server, client);
            assertTrue(next.opened.stream().filter(lane -> !lane.heardFrom.isEmpty()).count() >= 2);
        }
    }

    @Test
    void aTunBackendSwapAndARebuiltDeviceOpenEveryQueueAgain() throws Exception {
        try (TunnelHarness net = new TunnelHarness(EngineClock.SYSTEM, new Tunables(20, 40, 1400, LANES))) {
            TunnelHarness.Node<ServerTunnel> server = net.sharingServer(serverSpec(), node -> node.tunBackend.multiQueue = true);
            List<TunnelHarness.Node<ClientTunnel>> clients = startClients(net);
            List<FakeTun.Device> first = List.copyOf(server.tun().queues);

            FakeTun other = new FakeTun();
            other.multiQueue = true;
            server.tunnel.swapTunBackend(other, "other");
            first.forEach(queue -> assertTrue(queue.isClosed(), "a queue of the old backend is closed"));
            assertEquals(LANES, readers("lanes", "tun"), "the old queues' readers ended before the new ones started");
            List<FakeTun.Device> swapped = List.copyOf(other.device().queues);
            assertEquals(LANES, swapped.size(), "queues after the swap");
            for (TunnelHarness.Node<ClientTunnel> client : clients) roundTrip(server, other.device(), client);
            assertTrue(swapped.stream().filter(queue -> queue.reads.get() > 0).count() >= 2);

            swapped.get(1).die(); // every queue of the device fails, as after ip link del
            TunnelHarness.await("a new device", WAIT, () -> other.devices.size() == 2);
            TunnelHarness.await("its queues", WAIT, () -> other.device().queues.size() == LANES);
            swapped.forEach(queue -> assertTrue(queue.isClosed(), "a queue of the dead device is closed"));
            for (TunnelHarness.Node<ClientTunnel> client : clients) roundTrip(server, other.device(), client);
            assertTrue(server.tunnel.isRunning());
            TunnelHarness.await("the dead device's readers end", WAIT, () -> readers("lanes", "tun") == LANES);
        }
    }

    @Test
    void aTransportThatCannotShareItsPortAndADeviceOfOneQueueLeaveOneReaderEach() throws Exception {
        try (TunnelHarness net = new TunnelHarness(EngineClock.SYSTEM, new Tunables(20, 40, 1400, LANES))) {
            TunnelHarness.Node<ServerTunnel> server = net.server(serverSpec());
            assertEquals(1, server.transport.opened.size());
            assertEquals(1, server.tun().queues.size());
            for (TunnelHarness.Node<ClientTunnel> client : startClients(net)) roundTrip(server, client);
        }
    }

    @Test
    void aClientHasOneEndpointAndOneQueueEvenWherePortsAndDevicesCouldHaveMore() throws Exception {
        try (TunnelHarness net = new TunnelHarness(EngineClock.SYSTEM, new Tunables(20, 40, 1400, LANES))) {
            TunnelHarness.Node<ServerTunnel> server = net.sharingServer(serverSpec(), node -> node.tunBackend.multiQueue = true);
            TunnelHarness.Node<ClientTunnel> client = net.sharingClient(
                    TunnelHarness.keyClient("lone", clientKeys.get(0).privateKey(), serverKey.publicKey()), "192.0.2.40");
            roundTrip(server, client);
            assertEquals(1, client.transport.opened.size(), "endpoints of the client");
            assertEquals(1, client.tun().queues.size(), "queues of the client's TUN device");
            assertEquals(1, readers("lone", "tun"));
            assertEquals(1, readers("lone", "socket"));
        }
    }

    /** Live reader threads of tunnel {@code tunnel}: {@code netproxy-NAME-tun[-i]} or {@code netproxy-NAME-socket-...}. */
    private static long readers(String tunnel, String kind) {
        String prefix = "netproxy-" + tunnel + "-" + kind;
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix)).count();
    }

    private io.netproxy.api.tunnel.TunnelSpec serverSpec() {
        return TunnelHarness.keyServer("lanes", serverKey.privateKey(),
                clientKeys.stream().map(StaticIdentity::publicKey).toList(), List.of());
    }

    private List<TunnelHarness.Node<ClientTunnel>> startClients(TunnelHarness net) throws Exception {
        List<TunnelHarness.Node<ClientTunnel>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(net.client(TunnelHarness.keyClient("c" + i, clientKeys.get(i).privateKey(), serverKey.publicKey()),
                    "192.0.2." + (10 + i)));
        }
        return clients;
    }

    private static void roundTrip(TunnelHarness.Node<ServerTunnel> server, TunnelHarness.Node<ClientTunnel> client)
            throws InterruptedException {
        roundTrip(server, server.tun(), client);
    }

    /** A packet from the client's tunnel address to the internet, and one back, through the server's {@code device}. */
    private static void roundTrip(TunnelHarness.Node<ServerTunnel> server, FakeTun.Device device,
            TunnelHarness.Node<ClientTunnel> client) throws InterruptedException {
        String address = client.tunBackend.opened.get(0).addresses().get(0).split("/")[0];
        byte[] up = Packets.udp(address, "192.0.2.99", "up from " + address);
        client.tun().inject(up);
        assertArrayEquals(up, device.awaitDelivered(WAIT), "client " + address + " to server " + server.tunnel.name());
        byte[] down = Packets.udp("192.0.2.99", address, "down to " + address);
        device.inject(down);
        assertArrayEquals(down, client.tun().awaitDelivered(WAIT), "server to client " + address);
    }
}
