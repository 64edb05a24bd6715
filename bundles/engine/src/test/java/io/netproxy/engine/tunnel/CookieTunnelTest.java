package io.netproxy.engine.tunnel;

import static io.netproxy.engine.tunnel.TunnelHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.StaticIdentity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A server under load (its handshake thread held, the queue filled by initiations from spoofed addresses) answers
 * initiations without a cookie with cookie replies, and a client gets in with the cookie at once: on a fake clock that
 * never moves, so no retry timer can be what let it in.
 */
class CookieTunnelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final StaticIdentity serverKey = StaticIdentity.generate();
    private final StaticIdentity clientKey = StaticIdentity.generate();
    private final FakeClock clock = new FakeClock();
    private final List<InMemoryNetwork.Datagram> wire = new CopyOnWriteArrayList<>();

    /** A valid mac1 for the server, from a key it does not know: the handshake thread would do DH for it. */
    private byte[] strangerInitiation(int index) {
        return new Initiator(StaticIdentity.generate(), serverKey.publicKey(), new byte[32], index,
                new InitiationPayload(new byte[InitiationPayload.CLIENT_ID_LENGTH], new int[] {1})).initiation(clock.epochMillis());
    }

    private static InetSocketAddress spoofed(int i) {
        return InMemoryNetwork.address("198.19." + (i >> 8) + "." + (i & 255), 20_000 + i);
    }

    private long sentTo(InetSocketAddress to, int type) {
        return wire.stream().filter(d -> d.to().equals(to) && d.data()[0] == type).count();
    }

    /** Fills the queue of a server whose handshake thread is held, which puts it under load. */
    private void load(TunnelHarness net, TunnelHarness.Node<ServerTunnel> server, CountDownLatch release) throws Exception {
        server.tunnel.holdHandshakeThread(release);
        for (int i = 0; i < LoadGauge.THRESHOLD; i++) net.network.inject(spoofed(i), TunnelHarness.SERVER, strangerInitiation(i));
        await("the queue holds " + LoadGauge.THRESHOLD, WAIT, () -> net.network.quiet());
        assertEquals(0, server.counter("under-load"), "loaded only once the next initiation finds the queue so");
    }

    @Test
    void underLoadAnInitiationWithoutCookieGetsACookieReplyAndAClientGetsInWithIt() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                        List.of(clientKey.publicKey()), List.of()));
                net.network.tap(wire::add);
                CountDownLatch release = new CountDownLatch(1);
                load(net, server, release);

                // one more spoofed source: a cookie reply (64 bytes, to the address it claims), no queue place
                InetSocketAddress victim = spoofed(LoadGauge.THRESHOLD);
                net.network.inject(victim, TunnelHarness.SERVER, strangerInitiation(999));
                await("a cookie reply", WAIT, () -> sentTo(victim, Messages.TYPE_COOKIE) == 1);
                assertEquals(Messages.COOKIE_REPLY_LENGTH,
                        wire.stream().filter(d -> d.to().equals(victim)).findFirst().orElseThrow().data().length);
                // a tap sees the reply while it is sent; the server counts it once the send returned
                await("the reply counted", WAIT, () -> server.counter("cookies.sent") == 1
                        && server.counter("drop.under-load") == 1 && server.counter("handshake-failed.mac2-missing") == 1);
                assertEquals(1, server.counter("under-load"));

                // a forged mac2 is no cookie
                byte[] forged = strangerInitiation(1000);
                forged[forged.length - 1] = 1;
                net.network.inject(spoofed(1000), TunnelHarness.SERVER, forged);
                await("bad-mac2 counted", WAIT, () -> server.counter("handshake-failed.bad-mac2") == 1);

                // a real client: cookie reply, then at once (the clock stands still) an initiation with mac2
                TunnelHarness.Node<ClientTunnel> client = net.clientNode("192.0.2.2");
                CompletableFuture<ClientTunnel> connecting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ClientTunnel.start(TunnelHarness.keyClient("cli", clientKey.privateKey(),
                                serverKey.publicKey()), client.plugins);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                await("the client's retry with mac2", WAIT, () -> initiationsFrom("192.0.2.2").size() == 2);
                List<byte[]> initiations = initiationsFrom("192.0.2.2");
                assertFalse(hasMac2(initiations.get(0)), "the first initiation has no cookie");
                assertTrue(hasMac2(initiations.get(1)), "the retry carries the cookie");
                // the victim's, the forged one and the client's first
                await("three replies counted", WAIT, () -> server.counter("cookies.sent") == 3
                        && server.counter("drop.under-load") == 3);

                release.countDown();
                client.tunnel = connecting.get();
                assertEquals(1, client.counter("cookies.received"));
                // the server counts its handshake after sending the response that let the client in
                await("the server's handshake counted", WAIT, () -> server.counter("handshakes") == 1);
                assertEquals(LoadGauge.THRESHOLD, server.counter("handshake-failed.unknown-peer"),
                        "the queued strangers cost a DH each, nothing more");
                TunnelHarness.roundTrip(server, client, "after the cookie");
            });
        }
    }

    @Test
    void aServerNotUnderLoadIgnoresMac2AndSendsNoCookies() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                        List.of(clientKey.publicKey()), List.of()));
                net.network.tap(wire::add);
                byte[] stale = strangerInitiation(1);
                stale[stale.length - 1] = 7; // a cookie the server no longer knows, say
                net.network.inject(spoofed(1), TunnelHarness.SERVER, stale);
                net.settle();
                assertEquals(1, server.counter("handshake-failed.unknown-peer"), "it went on to the handshake");
                assertEquals(0, server.counter("cookies.sent"));
                assertEquals(0, sentTo(spoofed(1), Messages.TYPE_COOKIE));
            });
        }
    }

    @Test
    void cookieRepliesNobodyAskedForAreDropped() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                TunnelHarness.Node<ServerTunnel> server = net.server(TunnelHarness.keyServer("srv", serverKey.privateKey(),
                        List.of(clientKey.publicKey()), List.of()));
                TunnelHarness.Node<ClientTunnel> client = net.client(TunnelHarness.keyClient("cli", clientKey.privateKey(),
                        serverKey.publicKey()), "192.0.2.2");
                byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];
                reply[0] = Messages.TYPE_COOKIE;
                net.network.inject(InMemoryNetwork.address("192.0.2.9", 1), TunnelHarness.SERVER, reply);
                net.network.inject(TunnelHarness.SERVER, client.endpoint().local, reply);
                net.settle();
                assertEquals(1, server.counter("drop.unexpected-type"), "a server takes no cookie replies");
                assertEquals(1, client.counter("drop.unexpected-type"), "no initiation is outstanding");
                assertEquals(0, client.counter("cookies.received"));
            });
        }
    }

    @Test
    void cookieRepliesMakeTheClientRetryAtMostOnceASecond() throws Exception {
        try (TunnelHarness net = new TunnelHarness(clock)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                // No server: the test answers as one under load would, with replies bound to each initiation.
                io.netproxy.engine.protocol.Responder loaded = new io.netproxy.engine.protocol.Responder(serverKey,
                        new byte[32], key -> true);
                net.network.tap(wire::add);
                TunnelHarness.Node<ClientTunnel> client = net.clientNode("192.0.2.2");
                CompletableFuture<Void> connecting = CompletableFuture.runAsync(() -> {
                    try {
                        client.tunnel = ClientTunnel.start(TunnelHarness.keyClient("cli", clientKey.privateKey(),
                                serverKey.publicKey()), client.plugins);
                    } catch (java.io.IOException expected) {
                        // nobody completes the handshake; the client gives up after its timeout
                    }
                });
                await("the first initiation", WAIT, () -> initiationsFrom("192.0.2.2").size() == 1);
                answerWithCookie(net, loaded, 0);
                await("the retry, at once", WAIT, () -> initiationsFrom("192.0.2.2").size() == 2);
                answerWithCookie(net, loaded, 1);
                Thread.sleep(300);
                assertEquals(2, initiationsFrom("192.0.2.2").size(), "a second cookie within a second waits");

                clock.advance(Duration.ofSeconds(1));
                await("the held-back retry at the next tick", WAIT, () -> initiationsFrom("192.0.2.2").size() >= 3);
                assertTrue(hasMac2(initiationsFrom("192.0.2.2").get(2)));
                connecting.get();
            });
        }
    }

    private void answerWithCookie(TunnelHarness net, io.netproxy.engine.protocol.Responder loaded, int which) {
        InMemoryNetwork.Datagram initiation = wire.stream().filter(d -> d.data()[0] == Messages.TYPE_INITIATION)
                .skip(which).findFirst().orElseThrow();
        net.network.inject(TunnelHarness.SERVER, initiation.from(),
                loaded.cookieReply(initiation.data(), 0, initiation.from(), clock.nanoTime()));
    }

    @Test
    void theLoadLastsASecondAfterTheQueueLastHeldAnEighth() throws Exception {
        Counters counters = new Counters();
        LoadGauge gauge = new LoadGauge(counters);
        assertFalse(gauge.underLoad(LoadGauge.THRESHOLD - 1, 0));
        assertTrue(gauge.underLoad(LoadGauge.THRESHOLD, 10));
        assertTrue(gauge.underLoad(0, 10 + LoadGauge.HOLD_NANOS - 1));
        assertFalse(gauge.underLoad(0, 10 + LoadGauge.HOLD_NANOS));
        assertTrue(gauge.underLoad(LoadGauge.THRESHOLD + 5, 20 + LoadGauge.HOLD_NANOS));
        assertEquals(2, counters.get(Counters.Counter.UNDER_LOAD), "two episodes");
    }

    private List<byte[]> initiationsFrom(String ip) {
        return wire.stream().filter(d -> d.from().getAddress().equals(InMemoryNetwork.ip(ip))
                && d.data()[0] == Messages.TYPE_INITIATION).map(InMemoryNetwork.Datagram::data).toList();
    }

    private static boolean hasMac2(byte[] initiation) {
        return !Arrays.equals(new byte[16], Arrays.copyOfRange(initiation, initiation.length - 16, initiation.length));
    }
}
