package io.netproxy.tun.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The exit code and the merged stdout and stderr of a finished command. */
record CommandResult(List<String> command, int exitCode, String output) {

    /** Runs a command that prints little (its output must fit the pipe before it exits). */
    static CommandResult run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
        }
        try (InputStream out = process.getInputStream()) {
            return new CommandResult(command, process.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + ":\n" + output;
    }
}
