package io.netproxy.tun.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link TunEchoProbe} JVM running in a test namespace, with what it printed so far. */
final class ProbeProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Thread collector;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer transcript = new StringBuffer();

    private ProbeProcess(Process process) {
        this.process = process;
        this.collector = new Thread(this::collectOutput, "probe-output-" + process.pid());
        collector.setDaemon(true);
        collector.start();
    }

    /** Starts the probe with this test JVM's java and classpath; the namespace kills it when it closes. */
    static ProbeProcess start(TestNamespace namespace, String deviceName, boolean persist) throws IOException {
        return run(namespace, deviceName, Boolean.toString(persist));
    }

    /** Starts a probe that attaches to the running device of that name (a hand-over) instead of opening one. */
    static ProbeProcess attach(TestNamespace namespace, String deviceName) throws IOException {
        return run(namespace, deviceName, TunEchoProbe.ATTACH);
    }

    /** Starts a probe that opens the device with several queues and answers on each. */
    static ProbeProcess withQueues(TestNamespace namespace, String deviceName) throws IOException {
        return run(namespace, deviceName, TunEchoProbe.WITH_QUEUES);
    }

    private static ProbeProcess run(TestNamespace namespace, String deviceName, String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProbeProcess(namespace.start(java, "--add-opens", "java.base/java.io=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), TunEchoProbe.class.getName(), deviceName, mode));
    }

    private void collectOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                transcript.append(line).append('\n');
                lines.add(line);
            }
        } catch (IOException e) {
            transcript.append("(output lost: ").append(e).append(")\n");
        }
    }

    /** Waits until the device is up and returns its name. */
    String awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(TunEchoProbe.READY)) {
                return line.substring(TunEchoProbe.READY.length());
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        return fail("the probe did not get ready:\n" + transcript());
    }

    /** Closes the probe's stdin, which makes it close the device, and returns its exit code. */
    int stop() throws IOException, InterruptedException {
        process.getOutputStream().close();
        return awaitExit();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the probe did not exit within " + EXIT_TIMEOUT + ":\n" + transcript());
        }
        return process.exitValue();
    }

    /** What the probe printed; complete once it has exited. */
    String transcript() throws InterruptedException {
        if (!process.isAlive()) {
            collector.join(1000);
        }
        return transcript.toString();
    }
}
