package io.netproxy.tun.linux;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TunDevice;
import io.netproxy.api.TunSettings;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs in a test's own network namespace (never in the host's): opens a TUN device with 198.18.99.1/24 through
 * {@link LinuxTunBackend} and answers the ICMP echo requests it reads with replies, as if from 198.18.99.2,
 * until its standard input closes or a minute has passed. Then it closes the device and checks that this
 * unblocked the reading thread.
 *
 * <p>Arguments: device name, then persist ({@code true}/{@code false}), {@code attach} to take over the running
 * device of that name, or {@code queues} to open it with {@link #QUEUES} queues, each answered by a thread of its
 * own. Prints {@code READY <name>} once the device is up, and with queues {@code ANSWERED <n> <n> <n>} at the end,
 * the pings each queue answered.
 * Exit code 0 means every check passed.
 */
public final class TunEchoProbe {
    static final String ADDRESS = "198.18.99.1/24";
    static final String PEER = "198.18.99.2";
    static final String READY = "READY ";
    static final String ATTACH = "attach";
    static final String WITH_QUEUES = "queues";
    static final int QUEUES = 3;

    private static final long MAX_RUN_SECONDS = 60;
    private static final long UNBLOCK_TIMEOUT_MS = 5000;

    private TunEchoProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[1].equals(WITH_QUEUES)) {
            answerOnEveryQueue(args[0]);
            return;
        }
        LinuxTunBackend backend = new LinuxTunBackend();
        TunDevice device = args[1].equals(ATTACH) ? backend.attach(running(args[0]))
                : backend.open(new TunSettings(args[0], 1400, List.of(ADDRESS), Boolean.parseBoolean(args[1])));
        AtomicReference<Throwable> responderFailure = new AtomicReference<>();
        Thread responder = new Thread(() -> answerPings(device, responderFailure), "echo-responder");
        responder.start();
        if (!writeCompletesWhileReaderBlocks(device)) {
            fail("a write waited for the blocked reader");
        }
        System.out.println(READY + device.name());

        awaitStdinClosed(MAX_RUN_SECONDS);
        device.close();
        responder.join(UNBLOCK_TIMEOUT_MS);
        if (responder.isAlive()) {
            fail("close() did not unblock the reader within " + UNBLOCK_TIMEOUT_MS + " ms");
        }
        if (responderFailure.get() != null) {
            responderFailure.get().printStackTrace();
            fail("the responder failed");
        }
        System.out.println("CLOSED");
    }

    /** Opens the device and its further queues, answers on each, and closes the first queue before the others. */
    private static void answerOnEveryQueue(String name) throws Exception {
        List<TunDevice> queues = new java.util.ArrayList<>();
        queues.add(new LinuxTunBackend().open(new TunSettings(name, 1400, List.of(ADDRESS), false)));
        while (queues.size() < QUEUES) queues.add(queues.get(0).openQueue());
        List<java.util.concurrent.atomic.AtomicInteger> answered = new java.util.ArrayList<>();
        List<Thread> responders = new java.util.ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (TunDevice queue : queues) {
            java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
            answered.add(count);
            Thread responder = new Thread(() -> answerPings(queue, failure, count), "echo-responder");
            responder.start();
            responders.add(responder);
        }
        System.out.println(READY + name);
        awaitStdinClosed(MAX_RUN_SECONDS);
        queues.get(0).close();
        // the further queues keep the device, with its address
        ProcessBuilder show = new ProcessBuilder("ip", "-o", "addr", "show", "dev", name).redirectErrorStream(true);
        Process shown = show.start();
        String output = new String(shown.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (shown.waitFor() != 0 || !output.contains(ADDRESS)) fail("the device went with its first queue: " + output);
        for (TunDevice queue : queues.subList(1, queues.size())) queue.close();
        for (Thread responder : responders) responder.join(UNBLOCK_TIMEOUT_MS);
        if (responders.stream().anyMatch(Thread::isAlive)) fail("close() did not unblock every reader");
        if (failure.get() != null) {
            failure.get().printStackTrace();
            fail("a responder failed");
        }
        System.out.println("ANSWERED " + answered.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" ")));
        System.out.println("CLOSED");
    }

    /** What attach() learns of the device it takes over: its name and MTU (it was opened in another process). */
    private static TunDevice running(String name) {
        return new TunDevice() {
            @Override public String name() { return name; }
            @Override public int mtu() { return 1400; }
            @Override public int read(PacketBatch batch) { throw new UnsupportedOperationException("another process reads"); }
            @Override public void write(PacketBatch batch) { throw new UnsupportedOperationException("another process writes"); }
            @Override public void write(byte[] buf, int off, int len) { throw new UnsupportedOperationException("another process writes"); }
            @Override public void close() {}
        };
    }

    private static void answerPings(TunDevice device, AtomicReference<Throwable> failure) {
        answerPings(device, failure, new java.util.concurrent.atomic.AtomicInteger());
    }

    private static void answerPings(TunDevice device, AtomicReference<Throwable> failure,
            java.util.concurrent.atomic.AtomicInteger answered) {
        // Headroom, as the engine uses it, to check that packets land at the batch's offset.
        PacketBatch batch = new PacketBatch(1, 2048, 64);
        try {
            while (true) {
                device.read(batch);
                if (IcmpEcho.answerInPlace(batch.buffer(0), batch.offset(0), batch.length(0))) {
                    device.write(batch);
                    answered.incrementAndGet();
                }
            }
        } catch (ClosedChannelException expected) {
            // close() unblocked the read: the normal way out
        } catch (IOException | RuntimeException e) {
            failure.set(e);
        }
    }

    /** With no traffic yet the reader sits in read(), so a write that waited for it would never finish. */
    private static boolean writeCompletesWhileReaderBlocks(TunDevice device) throws InterruptedException {
        Thread.sleep(500); // lets the responder reach its blocking read
        byte[] reply = unsolicitedEchoReply();
        Thread writer = new Thread(() -> {
            try {
                device.write(reply, 0, reply.length);
            } catch (IOException e) {
                e.printStackTrace();
            }
        }, "unsolicited-writer");
        writer.setDaemon(true);
        writer.start();
        writer.join(2000);
        return !writer.isAlive();
    }

    /** An echo reply from the peer that no ping waits for: the kernel drops it silently. */
    private static byte[] unsolicitedEchoReply() {
        byte[] packet = {
            0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 10, 99, 0, 2, 10, 99, 0, 1,
            0, 0, 0, 0, 0x7f, 0x7f, 0, 1,
        };
        int ipChecksum = InternetChecksum.of(packet, 0, 20);
        packet[10] = (byte) (ipChecksum >>> 8);
        packet[11] = (byte) ipChecksum;
        int icmpChecksum = InternetChecksum.of(packet, 20, 8);
        packet[22] = (byte) (icmpChecksum >>> 8);
        packet[23] = (byte) icmpChecksum;
        return packet;
    }

    private static void awaitStdinClosed(long maxSeconds) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test sends nothing; it only closes the stream
                }
            } catch (IOException e) {
                // a broken pipe means the test is gone: stop as well
            }
            closed.countDown();
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        closed.await(maxSeconds, TimeUnit.SECONDS);
    }

    private static void fail(String reason) {
        System.out.println("FAILED " + reason);
        System.exit(2);
    }
}
