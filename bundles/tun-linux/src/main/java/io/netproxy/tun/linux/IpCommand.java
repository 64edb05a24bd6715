package io.netproxy.tun.linux;

import io.netproxy.host.CommandRunner;
import io.netproxy.host.Executables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs the iproute2 {@code ip} tool through the one host command runner; a failure carries what it printed. */
final class IpCommand {
    private static final CommandRunner RUNNER = CommandRunner.onHost();

    private IpCommand() {
    }

    static void run(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ip());
        command.addAll(List.of(args));
        RUNNER.run(command, "");
    }

    /**
     * Runs several commands in one {@code ip -batch}, in order, stopping at the first that fails (ip then names its
     * line): one program started instead of several, each of which delays a start. Arguments hold no spaces.
     */
    static void batch(List<List<String>> commands) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (List<String> args : commands) lines.append(String.join(" ", args)).append('\n');
        RUNNER.run(List.of(ip(), "-batch", "-"), lines.toString());
    }

    private static String ip() throws IOException {
        return Executables.find("ip").orElseThrow(() -> new IOException(
                "ip not found: install it with 'apt-get install iproute2'")).toString();
    }
}
