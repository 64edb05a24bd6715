package io.netproxy.netconf.iptables;

import io.netproxy.api.AppliedNetworkPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The changes made for one tunnel, each journaled before it is made; closing reverts them last first. */
final class AppliedIptablesPlan implements AppliedNetworkPlan {

    /** One change to the host. */
    @FunctionalInterface
    interface Change {
        void make() throws IOException;
    }

    private final String tunnelId;
    private final Journal journal;
    private final Reverter reverter;
    private final List<UndoStep> undoSteps = new ArrayList<>();
    private final List<String> description = new ArrayList<>();
    private boolean closed;

    AppliedIptablesPlan(String tunnelId, Journal journal, Reverter reverter) {
        this.tunnelId = tunnelId;
        this.journal = journal;
        this.reverter = reverter;
    }

    /**
     * Journals {@code undo} and then makes {@code change}. The undo step is kept even when the change fails,
     * since a failed command may have done part of its work.
     */
    synchronized void make(UndoStep undo, Change change, String applied) throws IOException {
        journal.append(undo);
        undoSteps.add(undo);
        change.make();
        description.add(applied);
    }

    /** Records something applied that needs no undo, such as a setting that was already in place. */
    synchronized void note(String line) {
        description.add(line);
    }

    @Override
    public synchronized List<String> describe() {
        return List.copyOf(description);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            reverter.revertAll(tunnelId, undoSteps);
        } finally {
            journal.delete();
        }
    }
}
