package io.netproxy.netconf.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * A host setting that several plans (journal keys, {@code <tunnelId>.<configurator>}) hold at once, recorded in a
 * state file of the namespace's journal directory: the value from before the first holder is restored when the last
 * one lets go, also when holders crashed. Two configurators hold it while a tunnel is handed from one to the other.
 */
interface SharedSetting {
    /** The state file; while it exists, {@link #recover} may have work to do. */
    Path stateFile();

    /**
     * Removes {@code holder}; when it was the last one, restores the value from before the first. Does nothing for a
     * holder that holds nothing, so it can run again. Returns what was reverted.
     */
    List<String> release(String holder) throws IOException;

    /**
     * Drops the holders that {@code live} rejects (their tunnels crashed or are gone) and restores the original
     * value when no holder is left. Returns what was reverted.
     */
    List<String> recover(Predicate<String> live) throws IOException;
}
