package io.netproxy.netconf.iptables;

import io.netproxy.host.CommandRunner;
import io.netproxy.host.Executables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Finds the network tools and runs them by absolute path through a {@link CommandRunner}. */
final class SystemTools {
    private final CommandRunner runner;
    private final List<Path> searchPath;

    /** Searches PATH plus /usr/sbin and /sbin, which a service's PATH often lacks. */
    SystemTools(CommandRunner runner) {
        this(runner, Executables.defaultSearchPath());
    }

    SystemTools(CommandRunner runner, List<Path> searchPath) {
        this.runner = runner;
        this.searchPath = List.copyOf(searchPath);
    }

    /** Fails with an install hint for the first missing tool, before anything is changed. */
    void require(Collection<Tool> tools) throws IOException {
        for (Tool tool : tools) locate(tool);
    }

    String run(Tool tool, List<String> args, String input) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(locate(tool).toString());
        command.addAll(args);
        return runner.run(command, input);
    }

    String run(Tool tool, String... args) throws IOException {
        return run(tool, List.of(args), "");
    }

    Path locate(Tool tool) throws IOException {
        return Executables.find(tool.command(), searchPath).orElseThrow(() -> new IOException(tool.installHint()));
    }
}
