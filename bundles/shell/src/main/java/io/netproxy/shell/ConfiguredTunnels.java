package io.netproxy.shell;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * What each tunnel file of {@code etc/} asked for and what became of it, as {@link ConfiguredTunnel} reports it:
 * {@code status} tells from it which tunnels should be up, and {@code run} whether every file was good.
 */
@Component(service = ConfiguredTunnels.class)
public final class ConfiguredTunnels {
    /** Where a file's tunnel is. */
    enum State {
        /** Its settings passed every check; the tunnel is starting (a client: waiting for its first handshake). */
        STARTING,
        RUNNING,
        /** The file is bad (a value, a file it names, or a name another tunnel has); see the problem. */
        REFUSED,
        /** Good settings, but the start failed (the server did not answer, say); retried. */
        FAILED
    }

    /**
     * @param source  the file (or the PID of a configuration made otherwise)
     * @param problem what is wrong, starting with the file and line; null unless REFUSED or FAILED
     */
    record Entry(String source, String name, State state, String problem) {}

    private final Map<String, Entry> bySource = new ConcurrentHashMap<>();

    void report(String source, String name, State state, String problem) {
        bySource.put(source, new Entry(source, name, state, problem));
    }

    void remove(String source) {
        bySource.remove(source);
    }

    /** The entries, by source. */
    List<Entry> entries() {
        return bySource.values().stream().sorted(java.util.Comparator.comparing(Entry::source)).toList();
    }
}
