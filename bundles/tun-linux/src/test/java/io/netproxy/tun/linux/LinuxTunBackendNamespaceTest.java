package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opens real TUN devices, always inside a network namespace each test creates and deletes, by running
 * {@link TunEchoProbe} there and pinging through the device it opened.
 */
@Timeout(120)
class LinuxTunBackendNamespaceTest {
    private TestNamespace namespace;

    @BeforeAll
    static void requireRootAndTun() {
        TunPrerequisites.require();
    }

    @BeforeEach
    void createNamespace() throws Exception {
        namespace = TestNamespace.create();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void answersPingsThroughTheDeviceAndRemovesItOnClose() throws Exception {
        ProbeProcess probe = ProbeProcess.start(namespace, "nptun%d", false);
        String name = probe.awaitReady();
        assertEquals("nptun0", name, "the kernel's name for nptun%d");

        assertPingAnswered();

        assertEquals(0, probe.stop(), probe.transcript());
        assertTrue(probe.transcript().contains("CLOSED"), probe.transcript());
        CommandResult show = namespace.run("ip", "link", "show", "dev", name);
        assertNotEquals(0, show.exitCode(), "a non-persistent device is gone after close: " + show);
    }

    @Test
    /** Two tunnels never share a device by accident: a second open() of a running one fails. */
    void reportsADeviceNameInUse() throws Exception {
        ProbeProcess holder = ProbeProcess.start(namespace, "npbusy0", false);
        holder.awaitReady();

        ProbeProcess second = ProbeProcess.start(namespace, "npbusy0", false);
        assertNotEquals(0, second.awaitExit(), second.transcript());
        assertTrue(second.transcript().contains("npbusy0: the device name is in use"), second.transcript());

        assertEquals(0, holder.stop(), holder.transcript());
    }

    @Test
    void persistentDeviceSurvivesCloseAndCanBeReattached() throws Exception {
        ProbeProcess first = ProbeProcess.start(namespace, "nppersist0", true);
        first.awaitReady();
        assertEquals(0, first.stop(), first.transcript());

        CommandResult kept = namespace.run("ip", "-o", "addr", "show", "dev", "nppersist0");
        assertTrue(kept.succeeded() && kept.output().contains(TunEchoProbe.ADDRESS), "device and address kept: " + kept);

        ProbeProcess reattached = ProbeProcess.start(namespace, "nppersist0", true);
        assertEquals("nppersist0", reattached.awaitReady());
        assertPingAnswered();
        assertEquals(0, reattached.stop(), reattached.transcript());

        CommandResult deleted = namespace.run("ip", "tuntap", "del", "dev", "nppersist0", "mode", "tun", "multi_queue");
        assertTrue(deleted.succeeded(), deleted.toString());
    }

    @Test
    void aSecondQueueTakesOverTheDeviceWithItsAddressWhenTheFirstCloses() throws Exception {
        ProbeProcess first = ProbeProcess.start(namespace, "nphand0", false);
        first.awaitReady();
        assertPingAnswered();
        ProbeProcess second = ProbeProcess.attach(namespace, "nphand0");
        assertEquals("nphand0", second.awaitReady());

        assertEquals(0, first.stop(), first.transcript());
        CommandResult kept = namespace.run("ip", "-o", "addr", "show", "dev", "nphand0");
        assertTrue(kept.succeeded() && kept.output().contains(TunEchoProbe.ADDRESS), "device and address kept: " + kept);
        assertPingAnswered();

        assertEquals(0, second.stop(), second.transcript());
        assertNotEquals(0, namespace.run("ip", "link", "show", "dev", "nphand0").exitCode(),
                "the device goes with its last queue");
    }

    /** The kernel spreads flows over a device's queues, and the device lives until its last queue closes. */
    @Test
    void furtherQueuesEachReadTheirShareOfTheFlowsAndKeepTheDevice() throws Exception {
        ProbeProcess probe = ProbeProcess.withQueues(namespace, "npqueue0");
        probe.awaitReady();
        // one flow per destination: the device's queue for a flow follows from its addresses
        for (int host = 2; host < 34; host++) {
            CommandResult ping = namespace.run("ping", "-c", "1", "-W", "2", "198.18.99." + host);
            assertTrue(ping.succeeded(), ping.toString());
        }
        assertEquals(0, probe.stop(), probe.transcript());
        String transcript = probe.transcript();
        String answered = transcript.lines().filter(line -> line.startsWith("ANSWERED ")).findFirst()
                .orElseThrow(() -> new AssertionError(transcript));
        int[] perQueue = java.util.Arrays.stream(answered.substring(9).split(" ")).mapToInt(Integer::parseInt).toArray();
        assertEquals(TunEchoProbe.QUEUES, perQueue.length, answered);
        assertEquals(32, java.util.Arrays.stream(perQueue).sum(), answered);
        assertTrue(java.util.Arrays.stream(perQueue).filter(n -> n > 0).count() >= 2, "pings answered on 2 queues or more: " + answered);
        assertNotEquals(0, namespace.run("ip", "link", "show", "dev", "npqueue0").exitCode(),
                "the device goes with its last queue");
    }

    private void assertPingAnswered() throws Exception {
        CommandResult ping = namespace.run("ping", "-c", "3", "-W", "2", TunEchoProbe.PEER);
        assertTrue(ping.succeeded() && ping.output().contains("3 received"), ping.toString());
    }
}
