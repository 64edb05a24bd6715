package io.netproxy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netproxy.api.TunBackend;
import io.netproxy.api.TunDevice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine expects of every {@link TunBackend}: a device with the name, MTU and address asked for, up;
 * packets the kernel routes to it are read at the batch's headroom, packets written (as a batch or one by one)
 * reach the kernel (checked with ping through the device); close() unblocks a reader and removes the device
 * unless it persists; a {@code %d} in the name lets the kernel pick the number; the name of a device in use is
 * refused; and, where the backend offers them, {@link TunBackend#attach} takes a running device over and
 * {@link TunDevice#openQueue} opens further queues, among which the kernel spreads the flows.
 *
 * <p>Every device lives in a network namespace the contract creates for the test and deletes afterwards; the
 * backend runs in a child JVM started there ({@link TunProbe}), which makes the subclass itself through its
 * no-argument constructor and calls {@link #newBackend()}. Needs root and /dev/net/tun: skipped without them,
 * except under {@code CI=true}, where that fails.
 */
// A separate thread: a child that hangs holds the test thread in a pipe read, which no interrupt ends; the
// timeout fails the test and @AfterEach kills the child with the namespace.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class TunBackendContract {
    /** Documentation range (RFC 2544 benchmarking): the device's address; the probe answers as its peer. */
    private static final String ADDRESS = "198.18.7.1/30";
    private static final String PEER = "198.18.7.2";
    /** Benchmark range too: destinations routed through the device, each a flow of its own. */
    private static final String FLOWS = "198.18.8";

    private TestNamespace namespace;

    /** A new instance of the backend under test; called in the child JVM inside the test's namespace. */
    protected abstract TunBackend newBackend() throws Exception;

    @AfterEach
    final void deleteNamespace() throws Exception {
        if (namespace != null) namespace.close();
    }

    @Test
    void isRegisteredUnderItsName() throws Exception {
        TunBackend backend = newBackend();
        ComponentDescriptor.assertRegisteredAs(backend.getClass(), TunBackend.class, TunBackend.PROPERTY, backend.name());
    }

    @Test
    void opensTheDeviceAsAskedAndCarriesPacketsBothWays() throws Exception {
        Probe probe = start("npkit0", 1380, false);
        assertEquals("npkit0 1380", probe.ready(), "name and MTU of the open device");
        String link = namespace.inside("ip", "-o", "link", "show", "dev", "npkit0");
        assertTrue(link.contains(" mtu 1380 "), "the kernel's MTU: " + link);
        assertTrue(link.matches("(?s).*<[^>]*\\bUP\\b[^>]*>.*"), "the device is up: " + link);
        String addresses = namespace.inside("ip", "-o", "-4", "addr", "show", "dev", "npkit0");
        assertTrue(addresses.contains("inet " + ADDRESS), "the device's address: " + addresses);

        // every echo request goes kernel -> device -> backend's read, every reply backend's write -> kernel
        String ping = namespace.inside("ping", "-c", "4", "-i", "0.2", "-W", "2", PEER);
        assertTrue(ping.contains("4 received"), ping);

        probe.stop();
    }

    @Test
    void closeUnblocksTheReaderAndRemovesTheDevice() throws Exception {
        Probe probe = start("npkit%d", 1400, false);
        assertEquals("npkit0 1400", probe.ready(), "the kernel numbers a name with %d");
        probe.stop();
        assertFalse(namespace.run("ip", "link", "show", "dev", "npkit0").ok(), "a device that does not persist is gone");
    }

    /** The engine keeps a persistent device across a backend swap, with its addresses and routes. */
    @Test
    void aPersistentDeviceOutlivesCloseAndCanBeOpenedAgain() throws Exception {
        start("npkeep0", 1400, true).stop();
        String kept = namespace.inside("ip", "-o", "-4", "addr", "show", "dev", "npkeep0");
        assertTrue(kept.contains("inet " + ADDRESS), "the device and its address stay: " + kept);

        Probe again = start("npkeep0", 1400, true);
        assertEquals("npkeep0 1400", again.ready());
        assertTrue(namespace.inside("ping", "-c", "2", "-i", "0.2", "-W", "2", PEER).contains("2 received"));
        again.stop();
    }

    /** Opening the name of a device that exists (and is not asked to persist) never takes it over silently. */
    @Test
    void refusesTheNameOfADeviceInUse() throws Exception {
        Probe holder = start("npbusy0", 1400, false);
        holder.ready();
        Probe second = start("npbusy0", 1400, false);
        assertTrue(second.process.waitFor(30, TimeUnit.SECONDS), "the second open neither failed nor ended");
        assertNotEquals(0, second.process.exitValue(), "a second device of the same name was opened");
        assertTrue(namespace.inside("ping", "-c", "2", "-i", "0.2", "-W", "2", PEER).contains("2 received"),
                "the first device still carries its traffic");
        holder.stop();
    }

    /**
     * The hand-over of a backend swap (or a bundle update): a second device of this backend attaches to the running
     * one, both carry packets until the first closes, then the second alone, with the device's address. Skipped for
     * a backend that does not override {@link TunBackend#attach}.
     */
    @Test
    void attachTakesOverTheRunningDeviceWithItsAddress() throws Exception {
        Probe probe = start("npkit0", 1400, false);
        probe.ready();
        String attached = probe.command(TunProbe.ATTACH);
        Assumptions.assumeFalse(attached.equals(TunProbe.UNSUPPORTED), "this backend does not take over running devices");
        assertEquals(TunProbe.ATTACHED + "npkit0", attached);
        assertTrue(namespace.inside("ping", "-c", "4", "-i", "0.2", "-W", "2", PEER).contains("4 received"));

        assertEquals(TunProbe.CLOSED_FIRST, probe.command(TunProbe.CLOSE_FIRST));
        assertTrue(namespace.inside("ping", "-c", "4", "-i", "0.2", "-W", "2", PEER).contains("4 received"),
                "the attached device alone carries the traffic");
        assertKeptUntilTheLastCloses(probe);
    }

    /**
     * A multi-queue device: further queues each read their share of the flows (one per destination here) and answer
     * them, and the device lives until its last queue closes. Skipped for a device that does not override
     * {@link TunDevice#openQueue}.
     */
    @Test
    void furtherQueuesEachCarryTheirShareOfTheFlows() throws Exception {
        Probe probe = start("npkit0", 1400, false);
        probe.ready();
        String opened = probe.command(TunProbe.OPEN_QUEUES);
        Assumptions.assumeFalse(opened.equals(TunProbe.UNSUPPORTED), "this backend's devices have one queue");
        assertEquals(TunProbe.QUEUES + TunProbe.QUEUE_COUNT, opened);
        // a benchmark-range /24 through the device, one flow per destination
        namespace.inside("ip", "route", "add", FLOWS + ".0/24", "dev", "npkit0");
        for (int host = 1; host <= 16; host++) {
            assertTrue(namespace.inside("ping", "-c", "1", "-W", "2", FLOWS + "." + host).contains("1 received"),
                    "an answer from " + FLOWS + "." + host);
        }
        String answered = probe.command(TunProbe.REPORT_ANSWERED);
        int[] perQueue = java.util.Arrays.stream(answered.substring(TunProbe.ANSWERED.length()).split(" "))
                .mapToInt(Integer::parseInt).toArray();
        assertEquals(TunProbe.QUEUE_COUNT, perQueue.length, answered);
        assertEquals(16, java.util.Arrays.stream(perQueue).sum(), answered);
        assertTrue(java.util.Arrays.stream(perQueue).filter(n -> n > 0).count() >= 2, "answers from 2 queues or more: " + answered);

        assertEquals(TunProbe.CLOSED_FIRST, probe.command(TunProbe.CLOSE_FIRST));
        assertKeptUntilTheLastCloses(probe);
    }

    /** After the probe closed its first device: the others keep npkit0 and its address, which go with the last. */
    private void assertKeptUntilTheLastCloses(Probe probe) throws Exception {
        assertTrue(namespace.inside("ip", "-o", "-4", "addr", "show", "dev", "npkit0").contains("inet " + ADDRESS),
                "the device keeps its address while another of its queues is open");
        probe.stop();
        assertFalse(namespace.run("ip", "link", "show", "dev", "npkit0").ok(), "gone once the last queue closes");
    }

    private Probe start(String name, int mtu, boolean persist) throws Exception {
        if (namespace == null) {
            HostPrerequisites.requireRootAndTools("ip", "ping");
            HostPrerequisites.require(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun (modprobe tun)");
            namespace = TestNamespace.create();
            namespace.inside("ip", "link", "set", "lo", "up");
        }
        return new Probe(namespace.startJava(TunProbe.class, getClass().getName(), name, Integer.toString(mtu), ADDRESS,
                Boolean.toString(persist)));
    }

    /** A probe JVM and what it printed. */
    private static final class Probe {
        private final Process process;
        private final BufferedReader output;
        private final StringBuilder transcript = new StringBuilder();

        Probe(Process process) {
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The rest of the READY line, once the device is up. */
        String ready() throws IOException {
            String line = next();
            if (line == null || !line.startsWith(TunProbe.READY)) fail("the probe did not open the device:\n" + transcript);
            return line.substring(TunProbe.READY.length());
        }

        /** Sends one line and returns the probe's answer. */
        String command(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            String answer = next();
            if (answer == null) fail("the probe ended after '" + line + "':\n" + transcript);
            return answer;
        }

        /** Closes the probe's stdin, so that it closes the device, and checks how that went. */
        void stop() throws Exception {
            if (transcript.indexOf(TunProbe.READY) < 0) ready();
            process.getOutputStream().close();
            for (String line = next(); line != null; line = next()) {
                // the rest of the transcript
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) fail("the probe did not exit after closing the device:\n" + transcript);
            assertEquals(0, process.exitValue(), transcript.toString());
            assertTrue(transcript.toString().contains(TunProbe.CLOSED), transcript.toString());
        }

        private String next() throws IOException {
            String line = output.readLine();
            if (line != null) transcript.append(line).append('\n');
            return line;
        }
    }
}
