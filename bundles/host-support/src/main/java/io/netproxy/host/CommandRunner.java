package io.netproxy.host;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way netproxy runs host tools (ip, iptables-restore, sysctl): with optional stdin, its output captured,
 * in the C locale so that error texts can be matched, without the service manager's NOTIFY_SOCKET, and failing on a
 * non-zero exit or after a timeout.
 */
public final class CommandRunner {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Where systemd takes readiness notifications (sd_notify(3)); never handed on to the host tools. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

    private final List<String> prefix;
    private final Duration timeout;

    public static CommandRunner onHost() {
        return new CommandRunner(List.of(), DEFAULT_TIMEOUT);
    }

    /**
     * For tests: every command runs behind {@code prefix}, such as {@code ip netns exec NS}, so that a test
     * changes only a network namespace of its own.
     */
    public CommandRunner(List<String> prefix, Duration timeout) {
        this.prefix = List.copyOf(prefix);
        this.timeout = timeout;
    }

    /** Runs {@code command} with {@code input} on its stdin ("" for none) and returns its stdout. */
    public String run(List<String> command, String input) throws IOException {
        List<String> commandLine = new ArrayList<>(prefix);
        commandLine.addAll(command);
        String shown = String.join(" ", commandLine);
        ProcessBuilder builder = new ProcessBuilder(commandLine);
        // Error texts are matched to tell "already removed" from real failures, so they must not be translated.
        builder.environment().put("LC_ALL", "C");
        // Under a service manager, only the unit's main process (the JVM) may say that the unit is ready or stopping.
        builder.environment().remove(NOTIFY_SOCKET);
        Process process = builder.start();
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        IOException inputFailure = write(process, input);
        int exitCode = waitFor(process, shown);
        String errorText = collect(stderr, shown);
        if (exitCode != 0) {
            CommandFailedException failure = new CommandFailedException(shown, exitCode, errorText, input);
            if (inputFailure != null) failure.addSuppressed(inputFailure);
            throw failure;
        }
        if (inputFailure != null) throw inputFailure;
        return collect(stdout, shown);
    }

    /** A process that exits early closes its stdin; its exit status explains why better than "broken pipe". */
    private static IOException write(Process process, String input) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(UTF_8));
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private int waitFor(Process process, String shown) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out after " + timeout.toSeconds() + " s: " + shown);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + shown);
        }
    }

    private String collect(CompletableFuture<String> output, String shown) throws IOException {
        try {
            return output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the output of " + shown);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read the output of " + shown, e);
        }
    }

    /** Reads a stream on its own thread, so a full stdout pipe cannot stall a process that we feed on stdin. */
    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        }, "netproxy-command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
