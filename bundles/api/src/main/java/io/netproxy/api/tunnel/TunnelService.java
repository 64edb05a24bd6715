package io.netproxy.api.tunnel;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ProviderType;

/** Starts, stops and reports on tunnels. Provided by the engine. */
@ProviderType
public interface TunnelService {
    /**
     * Starts a tunnel. A server returns once it listens; a client once its first handshake completed and
     * its routes are in place.
     *
     * @throws IOException with a message for the operator (names the likely causes) when it cannot start;
     *                     everything already changed on the host is reverted first
     */
    TunnelStatus start(TunnelSpec spec) throws IOException;

    /** Stops the tunnel and reverts its host changes. Returns false when no tunnel has that name. */
    boolean stop(String name) throws IOException;

    List<TunnelStatus> tunnels();

    Optional<TunnelStatus> tunnel(String name);

    /** Waits until the named tunnel has stopped (or does not exist). Returns false on timeout. */
    boolean awaitStopped(String name, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Applies new settings to the running tunnel of {@code spec}'s name without interrupting it, when they differ
     * from its current ones only where that is possible: a server's pushed routes and DNS servers, which clients
     * receive at their next handshake (within two minutes; the engine's clients apply routes, not yet DNS).
     * Nothing changes otherwise.
     *
     * @return true when the tunnel now runs with {@code spec}'s settings (also when nothing differed); false when
     *         the change needs a restart, or no tunnel of that name runs
     * @throws IllegalArgumentException when a new value cannot be used (too many routes to push, say); nothing
     *                                  changes then
     * @since 1.1
     */
    boolean updateInPlace(TunnelSpec spec);

    /**
     * Reverts the host changes that killed runs left behind, through every installed network configurator
     * ({@code NetworkConfigurator.recover()}), and reports it.
     *
     * @return what was reverted, one line each, with the configurator's name; also what this instance reverted
     *         on its own when it started (said as such, with the time), so that a cleanup right after a start
     *         does not say "nothing"
     * @throws IOException when a configurator could not revert something (everything else is still reverted)
     * @since 1.1
     */
    List<String> cleanup() throws IOException;
}
