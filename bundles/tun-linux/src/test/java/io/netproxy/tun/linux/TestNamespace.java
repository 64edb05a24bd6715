package io.netproxy.tun.linux;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace created for one test, so that its TUN devices and traffic never touch the host's
 * namespace. {@link #close()} kills the processes started in it (by their pid) and deletes it, which also
 * removes any device left in it.
 */
final class TestNamespace implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final List<Process> processes = new ArrayList<>();

    private TestNamespace(String name) {
        this.name = name;
    }

    static TestNamespace create() throws IOException, InterruptedException {
        String name = String.format("np-tuntest-%08x", ThreadLocalRandom.current().nextInt());
        CommandResult added = CommandResult.run(List.of("ip", "netns", "add", name), COMMAND_TIMEOUT);
        if (!added.succeeded()) {
            throw new IOException("cannot create the test namespace: " + added);
        }
        return new TestNamespace(name);
    }

    /** Runs a command inside the namespace and waits for it. */
    CommandResult run(String... command) throws IOException, InterruptedException {
        return CommandResult.run(inside(command), COMMAND_TIMEOUT);
    }

    /** Starts a command inside the namespace; its stderr is merged into its stdout. */
    Process start(String... command) throws IOException {
        // "ip netns exec" execs the command itself, so the pid is the command's and destroy() reaches it.
        Process process = new ProcessBuilder(inside(command)).redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        CommandResult deleted = CommandResult.run(List.of("ip", "netns", "del", name), COMMAND_TIMEOUT);
        if (!deleted.succeeded()) {
            throw new IOException("cannot delete the test namespace: " + deleted);
        }
    }
}
