package io.netproxy.netconf.support;

import java.util.List;

/**
 * A command that reverts one change.
 *
 * @param input       what to feed the command on stdin, "" for nothing
 * @param description what the step reverts, for logs and for {@code recover()}'s answer
 */
public record UndoStep(Tool tool, List<String> args, String input, String description) {
    public UndoStep {
        args = List.copyOf(args);
    }
}
