package io.netproxy.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netproxy.api.TransportEndpoint;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A process that this JVM spawns holds a copy of every socket the JVM has at that moment (the JDK sets no close-on-exec
 * on its sockets; the child closes them only after it started), so a listen that runs while another tunnel runs its
 * ip or nft commands must not trip over its own probe. Each listen here runs while a thread spawns processes.
 */
class ListenWhileSpawningTest {
    @Test
    void aListenIsNotRefusedBecauseAChildHoldsItsProbeForAMoment() throws Exception {
        TcpTransport transport = new TcpTransport();
        AtomicBoolean spawning = new AtomicBoolean(true);
        Thread spawner = new Thread(() -> {
            while (spawning.get()) {
                try {
                    new ProcessBuilder("true").start().waitFor();
                } catch (Exception e) {
                    return;
                }
            }
        });
        spawner.start();
        java.util.List<String> refused = new java.util.ArrayList<>();
        java.util.Set<Integer> used = new java.util.HashSet<>();
        try {
            while (used.size() < 300) {
                int port;
                // a free port, from a socket that does not listen either (a child's copy of a listener would hold it)
                try (java.nio.channels.SocketChannel free = java.nio.channels.SocketChannel.open()) {
                    free.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                    free.bind(new InetSocketAddress("127.0.0.1", 0));
                    port = ((InetSocketAddress) free.getLocalAddress()).getPort();
                }
                // a port of an earlier round may still have that round's listener in a child: not this test's case
                if (!used.add(port)) continue;
                try {
                    TransportEndpoint endpoint = transport.listen(new InetSocketAddress("127.0.0.1", port));
                    endpoint.close();
                } catch (java.net.BindException e) {
                    refused.add(port + ": " + e);
                }
            }
        } finally {
            spawning.set(false);
            spawner.join();
        }
        assertEquals(java.util.List.of(), refused, "listens refused while processes were spawned");
    }
}
