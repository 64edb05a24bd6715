package io.netproxy.tun.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the iproute2 {@code ip} tool; a failure carries what it printed. */
final class IpCommand {
    private static final long TIMEOUT_SECONDS = 10;

    private IpCommand() {
    }

    /** A service's PATH may lack the sbin directories where Debian installs ip. */
    private static final String IP = java.util.stream.Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
            .filter(path -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(path))).findFirst().orElse("ip");

    static void run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(IP));
        command.addAll(List.of(args));
        String commandLine = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run the ip command: install iproute2", e);
        }
        try {
            // ip prints at most an error line here, so its output cannot fill the pipe before it exits.
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.getInputStream().close();
                throw new IOException(commandLine + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + commandLine);
        }
        if (process.exitValue() != 0) {
            throw new IOException(commandLine + " failed (exit " + process.exitValue() + "): " + outputOf(process));
        }
    }

    private static String outputOf(Process process) throws IOException {
        try (InputStream output = process.getInputStream()) {
            return new String(output.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
