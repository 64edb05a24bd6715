package io.netproxy.host;

import java.io.IOException;

/** A command that exited with a non-zero status; the message carries the command line, its stderr and its input. */
public final class CommandFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String stderr;

    CommandFailedException(String commandLine, int exitCode, String stderr, String input) {
        super("command failed (exit " + exitCode + "): " + commandLine + ": " + stderr.strip()
                + (input.isEmpty() ? "" : "\ninput was:\n" + input));
        this.stderr = stderr;
    }

    public String stderr() {
        return stderr;
    }
}
