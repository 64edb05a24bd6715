package io.netproxy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A network namespace of one contract test, named uniquely for the run, so that nothing the implementation does
 * reaches the host's own namespace. {@link #close()} kills the processes started in it (by pid) and deletes it,
 * which also removes every device, route and rule left in it, and the resolver file the test gave it.
 */
final class TestNamespace implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    final String name;
    private final List<Process> processes = new ArrayList<>();
    /** /etc/netns/NAME when the test gave the namespace a resolver file, and whether that made /etc/netns too. */
    private Path etcNetns;
    private boolean madeEtcNetns;

    private TestNamespace(String name) {
        this.name = name;
    }

    static TestNamespace create() throws IOException {
        String name = "np-kit-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Result added = host("ip", "netns", "add", name);
        if (!added.ok()) throw new IOException("cannot create the test namespace " + name + ": " + added);
        return new TestNamespace(name);
    }

    record Result(int exitCode, String output) {
        boolean ok() { return exitCode == 0; }

        @Override
        public String toString() { return "exit " + exitCode + ": " + output.strip(); }
    }

    /**
     * Gives the namespace a resolver file of its own, which {@code ip netns exec} mounts over /etc/resolv.conf for what
     * runs in it (the host's own file is never touched), and returns where it is.
     */
    Path resolverFile(byte[] content) throws IOException {
        madeEtcNetns = !Files.exists(ETC_NETNS);
        etcNetns = Files.createDirectories(ETC_NETNS.resolve(name));
        return Files.write(etcNetns.resolve("resolv.conf"), content);
    }

    /** Runs a command inside the namespace and waits for it; stderr is merged into the output. */
    Result run(String... command) throws IOException {
        return host(wrapped(command));
    }

    /** Runs a command that must succeed and returns its output. */
    String inside(String... command) throws IOException {
        Result result = run(command);
        if (!result.ok()) throw new IOException(String.join(" ", command) + " in " + name + ": " + result);
        return result.output();
    }

    /** Starts a process inside the namespace ({@code ip netns exec} execs it, so the pid is the command's own). */
    Process start(List<String> command) throws IOException {
        Process process = new ProcessBuilder(wrapped(command.toArray(String[]::new)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(process);
        return process;
    }

    /** A JVM inside the namespace with this JVM's class path, running {@code main}. */
    Process startJava(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-opens", "java.base/java.io=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return start(command);
    }

    private String[] wrapped(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full.toArray(String[]::new);
    }

    private static Result host(String... command) throws IOException {
        Path output = Files.createTempFile("np-kit-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        } finally {
            Files.delete(output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Result deleted = host("ip", "netns", "del", name);
        if (etcNetns != null) {
            Files.deleteIfExists(etcNetns.resolve("resolv.conf"));
            Files.deleteIfExists(etcNetns);
            if (madeEtcNetns) {
                try (Stream<Path> left = Files.list(ETC_NETNS)) {
                    if (left.findAny().isEmpty()) Files.deleteIfExists(ETC_NETNS);
                } catch (DirectoryNotEmptyException anotherNamespacesFiles) {
                    // left to whoever put them there meanwhile
                }
            }
        }
        if (!deleted.ok()) throw new IOException("cannot delete the test namespace " + name + ": " + deleted);
    }
}
