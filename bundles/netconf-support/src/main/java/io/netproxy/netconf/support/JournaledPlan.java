package io.netproxy.netconf.support;

import io.netproxy.api.AppliedNetworkPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes one configurator made for one tunnel, each journaled before it is made; closing reverts them last
 * first. It reverts only its own journal's changes, so two configurators' plans for one tunnel can coexist.
 */
public final class JournaledPlan implements AppliedNetworkPlan {

    /** One change to the host. */
    @FunctionalInterface
    public interface Change {
        void make() throws IOException;
    }

    private final JournalKey key;
    private final Journal journal;
    private final Reverter reverter;
    private final List<UndoStep> undoSteps = new ArrayList<>();
    private final List<SharedSetting> held = new ArrayList<>();
    private final List<String> description = new ArrayList<>();
    private boolean closed;

    JournaledPlan(JournalKey key, Journal journal, Reverter reverter) {
        this.key = key;
        this.journal = journal;
        this.reverter = reverter;
    }

    /**
     * Journals {@code undo} and then makes {@code change}. The undo step is kept even when the change fails,
     * since a failed command may have done part of its work.
     */
    public synchronized void make(UndoStep undo, Change change, String applied) throws IOException {
        journal.append(undo);
        undoSteps.add(undo);
        change.make();
        description.add(applied);
    }

    /** Takes a holding of a {@link SharedSetting} for a holder (this plan's journal key); says what it did. */
    @FunctionalInterface
    interface Holding {
        String take(String holder) throws IOException;
    }

    /**
     * Makes this plan a holder of {@code setting} through {@code holding}, which records the holder before it changes
     * the value. The holding is kept even when that fails, since the holder may have been recorded.
     */
    synchronized void hold(SharedSetting setting, Holding holding) throws IOException {
        held.add(setting);
        description.add(holding.take(key.toString()));
    }

    /** Records something applied that needs no undo, such as a setting that was already in place. */
    public synchronized void note(String line) {
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
            IOException failure = null;
            try {
                reverter.revertAll(key.tunnelId(), undoSteps);
            } catch (IOException e) {
                failure = e;
            }
            // shared settings were taken before the other changes, so they are let go of last; the journal stays
            // held meanwhile, so recovery elsewhere counts this tunnel as a live holder until it has let go
            for (int i = held.size() - 1; i >= 0; i--) {
                try {
                    held.get(i).release(key.toString());
                } catch (IOException e) {
                    if (failure == null) failure = e;
                    else failure.addSuppressed(e);
                }
            }
            if (failure != null) throw failure;
        } finally {
            journal.delete();
        }
    }
}
