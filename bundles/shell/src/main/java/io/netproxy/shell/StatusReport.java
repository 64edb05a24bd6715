package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One look at an instance: the tunnels it runs, and the tunnel files of {@code etc/} whose tunnel it does not run.
 * Every one of them should be up: a tunnel runs because a command or a file started it and nobody stopped it, and a
 * file asks for its tunnel until it is removed. Up means a server is listening and a client is connected (its
 * session with the server confirmed); starting, handshaking, reconnecting or anything else is not up, nor is a
 * file's tunnel that does not run (a bad file, a start that failed and is retried, or one stopped by
 * {@code disconnect} while its file stays).
 *
 * @param at when the look was taken, for the age of handshakes
 */
record StatusReport(List<Tunnel> tunnels, List<ConfiguredTunnels.Entry> notRunning, Instant at) {
    /** The prefix of the engine's drop counters, {@code drop.replay} and so on. */
    static final String DROP = "drop.";

    /** @param file the file of etc/ it was started from, or null (the command line, Gogo) */
    record Tunnel(TunnelStatus status, String file) {
        boolean up() {
            return isUp(status);
        }
    }

    static StatusReport of(List<TunnelStatus> running, List<ConfiguredTunnels.Entry> configured, Instant at) {
        List<Tunnel> tunnels = running.stream().map(t -> new Tunnel(t, fileOf(t.name(), configured))).toList();
        List<ConfiguredTunnels.Entry> notRunning = configured.stream()
                // a refused file's name may be taken by another tunnel (the command line's): listed all the same
                .filter(e -> e.state() == ConfiguredTunnels.State.REFUSED
                        || running.stream().noneMatch(t -> t.name().equals(e.name())))
                .toList();
        return new StatusReport(tunnels, notRunning, at);
    }

    static boolean isUp(TunnelStatus t) {
        return t.role() == TunnelSpec.Role.SERVER ? "listening".equals(t.state()) : "connected".equals(t.state());
    }

    /** True when every tunnel that should be up is (also when there is none). */
    boolean healthy() {
        return notRunning.isEmpty() && tunnels.stream().allMatch(Tunnel::up);
    }

    /**
     * One line for a service manager's status ({@code systemctl status}): each tunnel and what it is, as the first line
     * of its block in {@code status}, e.g. {@code tunnel office: server listening; tunnel home: client handshaking}.
     */
    String summary() {
        List<String> parts = new java.util.ArrayList<>();
        for (Tunnel t : tunnels) {
            parts.add("tunnel " + t.status().name() + ": " + t.status().role().name().toLowerCase() + " " + t.status().state());
        }
        for (ConfiguredTunnels.Entry e : notRunning) {
            parts.add("tunnel " + e.name() + ": " + (e.state() == ConfiguredTunnels.State.STARTING ? "starting" : "not running"));
        }
        return parts.isEmpty() ? "no tunnels" : String.join("; ", parts);
    }

    /** One line for each tunnel that should be up and is not. */
    List<String> problems() {
        List<String> problems = new java.util.ArrayList<>();
        for (Tunnel t : tunnels) {
            if (!t.up()) problems.add("tunnel '" + t.status().name() + "' should be up but is " + t.status().state());
        }
        for (ConfiguredTunnels.Entry e : notRunning) {
            problems.add("tunnel '" + e.name() + "' of " + e.source() + " does not run"
                    + (e.problem() == null ? "" : ": " + e.problem()));
        }
        return problems;
    }

    private static String fileOf(String name, List<ConfiguredTunnels.Entry> configured) {
        Optional<ConfiguredTunnels.Entry> entry = configured.stream()
                .filter(e -> e.name().equals(name) && e.state() != ConfiguredTunnels.State.REFUSED).findFirst();
        return entry.map(ConfiguredTunnels.Entry::source).orElse(null);
    }

    /** The drop counters by reason ({@code drop.replay} as {@code replay}), only those that counted something. */
    static Map<String, Long> drops(Map<String, Long> counters) {
        Map<String, Long> drops = new TreeMap<>();
        counters.forEach((name, value) -> {
            if (name.startsWith(DROP) && value != 0) drops.put(name.substring(DROP.length()), value);
        });
        return drops;
    }
}
