package io.netproxy.transport.tcp;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TransportEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs an endpoint's receive loop on a thread of its own, as the engine does, and collects what arrives. */
final class Receiver implements AutoCloseable {
    record Datagram(byte[] bytes, InetSocketAddress from) {}

    private final TransportEndpoint endpoint;
    private final BlockingQueue<Datagram> received = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile IOException ended;

    Receiver(TransportEndpoint endpoint) {
        this.endpoint = endpoint;
        this.thread = new Thread(this::loop, "test-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        PacketBatch batch = new PacketBatch(2, 20_000, 16);
        while (true) {
            try {
                int count = endpoint.receive(batch);
                for (int i = 0; i < count; i++) {
                    byte[] bytes = Arrays.copyOfRange(batch.buffer(i), batch.offset(i), batch.offset(i) + batch.length(i));
                    received.add(new Datagram(bytes, batch.address(i)));
                }
            } catch (IOException e) {
                ended = e;
                return;
            }
        }
    }

    TransportEndpoint endpoint() {
        return endpoint;
    }

    Datagram next() throws InterruptedException {
        Datagram datagram = received.poll(5, TimeUnit.SECONDS);
        if (datagram == null) throw new AssertionError("nothing received within 5 s");
        return datagram;
    }

    boolean nothingWithin(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS) == null;
    }

    /** What ended the loop, once the endpoint is closed. */
    IOException awaitEnd() throws InterruptedException {
        thread.join(5000);
        return ended;
    }

    @Override
    public void close() throws Exception {
        endpoint.close();
        thread.join(5000);
    }
}
