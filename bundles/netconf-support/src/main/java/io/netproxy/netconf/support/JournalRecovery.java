package io.netproxy.netconf.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverts what journals of earlier, crashed runs describe, whichever configurator wrote them (each undo step
 * names its tool). Journals of live plans are left alone.
 */
final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    private final JournalDirectory directory;
    private final Reverter reverter;
    private final List<SharedSetting> sharedSettings;

    JournalRecovery(JournalDirectory directory, Reverter reverter, List<SharedSetting> sharedSettings) {
        this.directory = directory;
        this.reverter = reverter;
        this.sharedSettings = List.copyOf(sharedSettings);
    }

    /** Whether there may be anything to recover. */
    boolean hasWork() throws IOException {
        if (!directory.journals().isEmpty()) return true;
        for (SharedSetting setting : sharedSettings) {
            if (Files.exists(setting.stateFile())) return true;
        }
        return false;
    }

    List<String> recoverAll() throws IOException {
        List<String> reverted = new ArrayList<>();
        List<IOException> failures = new ArrayList<>();
        for (Path file : directory.journals()) {
            try {
                Optional<Journal> abandoned = Journal.openIfAbandoned(file);
                if (abandoned.isEmpty()) continue;
                if (abandoned.get().isFinished()) {
                    // its owner finished after the listing; the path may already name a newer, live journal
                    abandoned.get().close();
                } else {
                    reverted.addAll(recover(abandoned.get()));
                }
            } catch (NoSuchFileException e) {
                // its owner finished after the listing
            } catch (IOException e) {
                failures.add(e);
            }
        }
        // after the journals, so a crashed holder's journal is gone; holders whose tunnels no longer run let go
        for (SharedSetting setting : sharedSettings) {
            try {
                reverted.addAll(setting.recover(this::isLive));
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        return reverted;
    }

    /**
     * Recovers the abandoned journals of a tunnel, of any configurator, before {@code own} applies it again. Fails
     * if {@code own}'s journal is live; another configurator's live journal of the tunnel is a hand-over in
     * progress and stays.
     */
    List<String> recoverTunnel(JournalKey own) throws IOException {
        List<String> reverted = new ArrayList<>();
        for (Path file : directory.journalsOf(own.tunnelId())) {
            JournalKey key = JournalDirectory.keyOf(file).orElseThrow();
            Optional<Journal> abandoned;
            try {
                abandoned = Journal.openIfAbandoned(file);
            } catch (NoSuchFileException e) {
                continue; // finished since the listing
            }
            if (abandoned.isEmpty()) {
                if (!key.equals(own)) continue;
                throw new IOException("tunnel " + own.tunnelId() + " is already applied (its journal " + file
                        + " is held by a running configurator); close it first");
            }
            Journal journal = abandoned.get();
            if (journal.isFinished()) {
                // of this configurator: a crash right after creating it, before anything was journaled; of another,
                // it may be one being created right now, which its creator is about to lock
                if (key.equals(own)) journal.delete();
                else journal.close();
                continue;
            }
            reverted.addAll(recover(journal));
            // the crashed run's holdings of shared settings are gone with it
            for (SharedSetting setting : sharedSettings) reverted.addAll(setting.release(key.toString()));
        }
        return reverted;
    }

    private boolean isLive(String holder) {
        try {
            return directory.isLive(JournalKey.parse(holder));
        } catch (IOException e) {
            // cannot tell: keeping the setting is the safe side
            LOG.warn("cannot tell whether {} still runs, so it keeps its shared settings: {}", holder, e.getMessage());
            return true;
        }
    }

    private List<String> recover(Journal journal) throws IOException {
        List<UndoStep> steps;
        try {
            steps = journal.steps();
        } catch (IOException e) {
            journal.close();
            throw new IOException("cannot read the netconf journal " + journal.file() + ", left in place: "
                    + e.getMessage(), e);
        }
        String tunnelId = JournalDirectory.keyOf(journal.file()).orElseThrow().tunnelId();
        LOG.info("reverting {} change(s) left by an earlier run of tunnel {}", steps.size(), tunnelId);
        try {
            reverter.revertAll(tunnelId, steps);
        } finally {
            journal.delete();
        }
        List<String> reverted = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) reverted.add("tunnel " + tunnelId + ": " + steps.get(i).description());
        return reverted;
    }
}
