package io.netproxy.netconf.support;

import io.netproxy.host.CommandFailedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs undo steps. A step whose target is already gone counts as done: a crash can fall between journaling a
 * change and making it, and a device that goes away takes its routes with it.
 */
final class Reverter {
    private static final Logger LOG = LoggerFactory.getLogger(Reverter.class);

    private final SystemTools tools;

    Reverter(SystemTools tools) {
        this.tools = tools;
    }

    /** Runs the steps last first, going on past failures, which are reported together at the end. */
    void revertAll(String tunnelId, List<UndoStep> steps) throws IOException {
        List<IOException> failures = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            try {
                revert(steps.get(i));
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (failures.isEmpty()) return;
        StringBuilder message = new StringBuilder("could not revert ").append(failures.size())
                .append(" change(s) of tunnel ").append(tunnelId).append(':');
        failures.forEach(failure -> message.append("\n- ").append(failure.getMessage()));
        IOException combined = new IOException(message.toString());
        failures.forEach(combined::addSuppressed);
        throw combined;
    }

    void revert(UndoStep step) throws IOException {
        try {
            tools.run(step.tool(), step.args(), step.input());
            LOG.info("reverted: {}", step.description());
        } catch (CommandFailedException e) {
            if (!step.tool().saysAlreadyGone(e.stderr())) throw e;
            if ((step.tool() == Tool.IPTABLES_RESTORE || step.tool() == Tool.IP6TABLES_RESTORE) && IptablesScript.parse(step.input()).statementCount() > 1) {
                revertStatementByStatement(step);
            } else {
                LOG.info("already reverted: {} ({})", step.description(), e.stderr().strip());
            }
        }
    }

    /** One missing rule fails a whole iptables-restore run; the other statements must still be removed. */
    private void revertStatementByStatement(UndoStep step) throws IOException {
        for (IptablesScript statement : IptablesScript.parse(step.input()).eachStatement()) {
            revert(new UndoStep(step.tool(), step.args(), statement.render(),
                    step.description() + ": " + statement.tables().get(0).statements().get(0)));
        }
    }
}
