package io.netproxy.testkit;

import io.netproxy.api.PacketBatch;
import io.netproxy.api.TunBackend;
import io.netproxy.api.TunDevice;
import io.netproxy.api.TunSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The child JVM of {@link TunBackendContract}, started inside the contract's own network namespace (never the
 * host's): opens a device through the subclass's backend and answers the ICMP echo requests it reads, as the
 * peer of the device's /30, writing replies alternately as a batch and one by one. On the line {@code attach} it
 * takes the device over with a second device of the same backend ({@link TunBackend#attach}) and answers on that
 * too; on {@code close-first} it closes the first; on {@code queues} it opens two further queues of the first
 * ({@link TunDevice#openQueue}) and answers on each; on {@code answered} it reports the echo requests each device
 * answered. When its standard input closes it closes what is open and reports whether that unblocked the reading
 * threads.
 *
 * <p>Arguments: contract class, device name, MTU, address (CIDR), persist. Prints {@code READY <name> <mtu>},
 * {@code ATTACHED <name>} or {@code UNSUPPORTED}, {@code CLOSED-FIRST}, {@code QUEUES <n>} or {@code UNSUPPORTED},
 * {@code ANSWERED <n>...} (the first device, then any further queues), then {@code CLOSED} when all went well,
 * or {@code FAILED <reason>} and exits with 2.
 */
public final class TunProbe {
    static final String READY = "READY ";
    static final String CLOSED = "CLOSED";
    static final String ATTACH = "attach";
    static final String ATTACHED = "ATTACHED ";
    static final String UNSUPPORTED = "UNSUPPORTED";
    static final String CLOSE_FIRST = "close-first";
    static final String CLOSED_FIRST = "CLOSED-FIRST";
    static final String OPEN_QUEUES = "queues";
    static final String QUEUES = "QUEUES ";
    static final String REPORT_ANSWERED = "answered";
    static final String ANSWERED = "ANSWERED ";
    /** Queues in all, the first device's among them, after {@code queues}. */
    static final int QUEUE_COUNT = 3;
    private static final int HEADROOM = 64;

    private TunProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> contractClass = Class.forName(args[0]);
        Constructor<?> constructor = contractClass.getDeclaredConstructor();
        constructor.setAccessible(true);
        TunBackend backend = ((TunBackendContract) constructor.newInstance()).newBackend();
        TunDevice first = backend.open(new TunSettings(args[1], Integer.parseInt(args[2]), List.of(args[3]),
                Boolean.parseBoolean(args[4])));
        AtomicReference<String> failure = new AtomicReference<>();
        List<AtomicInteger> answered = new ArrayList<>();
        Thread firstResponder = respond(first, failure, answered);
        List<TunDevice> furtherQueues = new ArrayList<>();
        List<Thread> furtherResponders = new ArrayList<>();
        System.out.println(READY + first.name() + " " + first.mtu());

        TunDevice second = null;
        Thread secondResponder = null;
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            if (command.equals(ATTACH)) {
                if (backend.getClass().getMethod("attach", TunDevice.class).getDeclaringClass() == TunBackend.class) {
                    System.out.println(UNSUPPORTED);
                    continue;
                }
                second = backend.attach(first);
                secondResponder = respond(second, failure, new ArrayList<>());
                System.out.println(ATTACHED + second.name());
            } else if (command.equals(CLOSE_FIRST)) {
                closeAndJoin(first, firstResponder);
                System.out.println(CLOSED_FIRST);
            } else if (command.equals(OPEN_QUEUES)) {
                if (first.getClass().getMethod("openQueue").getDeclaringClass() == TunDevice.class) {
                    System.out.println(UNSUPPORTED);
                    continue;
                }
                while (furtherQueues.size() < QUEUE_COUNT - 1) {
                    TunDevice queue = first.openQueue();
                    furtherQueues.add(queue);
                    furtherResponders.add(respond(queue, failure, answered));
                }
                System.out.println(QUEUES + (1 + furtherQueues.size()));
            } else if (command.equals(REPORT_ANSWERED)) {
                System.out.println(ANSWERED + answered.stream().map(String::valueOf).collect(Collectors.joining(" ")));
            }
        }
        // the contract closed our stdin: close whatever is open
        closeAndJoin(first, firstResponder);
        if (second != null) closeAndJoin(second, secondResponder);
        for (int i = 0; i < furtherQueues.size(); i++) closeAndJoin(furtherQueues.get(i), furtherResponders.get(i));
        if (failure.get() != null) fail(failure.get());
        System.out.println(CLOSED);
    }

    /** Answers on {@code device}, counting its answers in a counter it adds to {@code answered}. */
    private static Thread respond(TunDevice device, AtomicReference<String> failure, List<AtomicInteger> answered) {
        AtomicInteger count = new AtomicInteger();
        answered.add(count);
        Thread responder = new Thread(() -> answerPings(device, failure, count), "echo-responder-" + device.name());
        responder.start();
        return responder;
    }

    /** Closing twice is allowed (Closeable), so the first device may be closed again at the end. */
    private static void closeAndJoin(TunDevice device, Thread responder) throws IOException, InterruptedException {
        device.close();
        responder.join(5_000);
        if (responder.isAlive()) fail("close() did not unblock the thread in read() within 5 s");
    }

    private static void answerPings(TunDevice device, AtomicReference<String> failure, AtomicInteger answered) {
        PacketBatch in = new PacketBatch(8, HEADROOM + 2048, HEADROOM);
        PacketBatch out = new PacketBatch(8, HEADROOM + 2048, HEADROOM);
        boolean asBatch = false;
        try {
            while (true) {
                int count = device.read(in);
                if (count < 1 || count != in.size()) {
                    failure.set("read() returned " + count + " with " + in.size() + " packets in the batch");
                    return;
                }
                out.clear();
                for (int slot = 0; slot < count; slot++) {
                    if (in.offset(slot) != HEADROOM) {
                        failure.set("read() placed a packet at " + in.offset(slot) + ", not at the batch's headroom");
                        return;
                    }
                    int length = in.length(slot);
                    System.arraycopy(in.buffer(slot), in.offset(slot), out.buffer(out.size()), HEADROOM, length);
                    if (answerInPlace(out.buffer(out.size()), HEADROOM, length)) {
                        out.set(out.size(), HEADROOM, length, null);
                        out.setSize(out.size() + 1);
                    }
                }
                if (out.size() == 0) continue;
                answered.addAndGet(out.size());
                asBatch = !asBatch;
                if (asBatch) {
                    device.write(out);
                } else {
                    for (int slot = 0; slot < out.size(); slot++) device.write(out.buffer(slot), out.offset(slot), out.length(slot));
                }
            }
        } catch (IOException e) {
            // close() unblocked the read: the normal way out
        } catch (RuntimeException e) {
            failure.set(e.toString());
        }
    }

    /** Turns an IPv4 ICMP echo request into its reply; false for any other packet. */
    static boolean answerInPlace(byte[] buf, int off, int len) {
        if (len < 28 || (buf[off] & 0xf0) != 0x40) return false;
        int headerLength = (buf[off] & 0x0f) * 4;
        int totalLength = Math.min(len, ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff));
        int icmp = off + headerLength;
        if (headerLength < 20 || totalLength < headerLength + 8 || buf[off + 9] != 1 || buf[icmp] != 8) return false;
        // swapping the addresses keeps the IP header checksum valid: the sum does not depend on word order
        for (int i = 0; i < 4; i++) {
            byte source = buf[off + 12 + i];
            buf[off + 12 + i] = buf[off + 16 + i];
            buf[off + 16 + i] = source;
        }
        buf[icmp] = 0;
        buf[icmp + 2] = 0;
        buf[icmp + 3] = 0;
        int checksum = checksum(buf, icmp, totalLength - headerLength);
        buf[icmp + 2] = (byte) (checksum >>> 8);
        buf[icmp + 3] = (byte) checksum;
        return true;
    }

    /** RFC 1071. */
    static int checksum(byte[] buf, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += ((buf[off + i] & 0xff) << 8) | (buf[off + i + 1] & 0xff);
        if ((len & 1) != 0) sum += (buf[off + len - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    private static void fail(String reason) {
        System.out.println("FAILED " + reason);
        System.exit(2);
    }
}
