package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.StaticIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine's tunables reach the tunnels started with them: a server's default MTU and its handshake rate limit. */
class TunablesTest {
    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity alice = StaticIdentity.generate();

    @Test
    void aServerTakesItsDefaultMtuAndHandshakeRateFromTheTunables() throws Exception {
        // the clock stands still, so a source's tokens never refill: one initiation, then the limit
        try (TunnelHarness net = new TunnelHarness(new FakeClock(), new Tunables(1, 1, 1280, 1))) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                AtomicReference<InMemoryNetwork.Datagram> initiation = new AtomicReference<>();
                net.network.tap(d -> {
                    if (Messages.type(d.data(), 0, d.data().length) == Messages.TYPE_INITIATION) initiation.set(d);
                });
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                        List.of(alice.publicKey()), List.of()));
                net.client(TunnelHarness.keyClient("alice", alice.privateKey(), serverKey.publicKey()), "198.51.100.10");
                assertEquals(1280, server.tunBackend.opened.get(0).mtu());

                InMemoryNetwork.Datagram again = initiation.get();
                net.network.inject(again.from(), again.to(), again.data());
                TunnelHarness.await("the second initiation rate-limited", Duration.ofSeconds(5),
                        () -> server.counter("drop.rate-limited") == 1);
                assertEquals(1, server.counter("handshakes"));
            });
        }
    }
}
