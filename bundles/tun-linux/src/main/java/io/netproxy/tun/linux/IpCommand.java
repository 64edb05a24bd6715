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
        command.add(Executables.find("ip").orElseThrow(() -> new IOException(
                "ip not found: install it with 'apt-get install iproute2'")).toString());
        command.addAll(List.of(args));
        RUNNER.run(command, "");
    }
}
