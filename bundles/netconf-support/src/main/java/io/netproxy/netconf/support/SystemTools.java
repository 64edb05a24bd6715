package io.netproxy.netconf.support;

import io.netproxy.host.CommandRunner;
import io.netproxy.host.Executables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Finds the network tools and runs them by absolute path through a {@link CommandRunner}. */
public final class SystemTools {
    private final CommandRunner runner;
    private final List<Path> searchPath;

    /** Searches PATH plus /usr/sbin and /sbin, which a service's PATH often lacks. */
    public SystemTools(CommandRunner runner) {
        this(runner, Executables.defaultSearchPath());
    }

    public SystemTools(CommandRunner runner, List<Path> searchPath) {
        this.runner = runner;
        this.searchPath = List.copyOf(searchPath);
    }

    /** Fails with an install hint for the first missing tool, before anything is changed. */
    public void require(Collection<Tool> tools) throws IOException {
        for (Tool tool : tools) locate(tool);
    }

    public String run(Tool tool, List<String> args, String input) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(locate(tool).toString());
        command.addAll(args);
        return runner.run(command, input);
    }

    public String run(Tool tool, String... args) throws IOException {
        return run(tool, List.of(args), "");
    }

    /** Whether the tool is installed. */
    public boolean has(Tool tool) {
        return Executables.find(tool.command(), searchPath).isPresent();
    }

    public Path locate(Tool tool) throws IOException {
        return Executables.find(tool.command(), searchPath).orElseThrow(() -> new IOException(tool.installHint()));
    }
}
