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
     * from its current ones only where that is possible: a server's pushed routes, DNS servers and search domains,
     * which clients receive at their next handshake (within two minutes; the engine's clients then rebuild their
     * routes and DNS).
     * Nothing changes otherwise.
     *
     * @return true when the tunnel now runs with {@code spec}'s settings (also when nothing differed); false when
     *         the change needs a restart, or no tunnel of that name runs
     * @throws IllegalArgumentException when a new value cannot be used (too many routes to push, say); nothing
     *                                  changes then
     */
    boolean updateInPlace(TunnelSpec spec);

    /**
     * Moves a running tunnel to another implementation of one of its parts while it carries traffic, make before
     * break: the new part is in service before the old one is let go.
     *
     * <ul>
     *   <li>{@link PluginKind#TRANSPORT}: a client opens the new transport and handshakes on it; a server listens on
     *       the new transport only, tells its clients (in band, authenticated) to move, and closes the old
     *       endpoints once they have moved (or after a few seconds).</li>
     *   <li>{@link PluginKind#CIPHER}: the tunnel accepts only the named suite from now on; sessions on another
     *       suite handshake again at once (a server asks its clients to), and the old session carries traffic until
     *       the new one is confirmed.</li>
     *   <li>{@link PluginKind#TUN_BACKEND} and {@link PluginKind#NETCONF}: see the engine's documentation for what
     *       it supports.</li>
     * </ul>
     *
     * The choice lasts for the tunnel's life (a configured tunnel's {@code etc/} file is not changed).
     *
     * @param tunnel         the tunnel's name
     * @param kind           which part
     * @param implementation the installed implementation to move to, by name
     * @throws IllegalArgumentException when no tunnel of that name runs or no such implementation is installed
     * @throws IOException              when the move failed; the tunnel then runs on as before
     */
    void swap(String tunnel, PluginKind kind, String implementation) throws IOException;

    /**
     * Reverts the host changes that killed runs left behind, through every installed network configurator
     * ({@code NetworkConfigurator.cleanup()}: their kill switches included), and reports it.
     *
     * @return what was reverted, one line each, with the configurator's name; also what this instance reverted
     *         on its own when it started (said as such, with the time), so that a cleanup right after a start
     *         does not say "nothing"
     * @throws IOException when a configurator could not revert something (everything else is still reverted)
     */
    List<String> cleanup() throws IOException;

    /**
     * As {@link #cleanup()}, but the kill switches of clients that died stay in force ({@code
     * NetworkConfigurator.recover()}, what every instance does when it starts): what a service manager runs after its
     * instance ended, so that a client it restarts, or gives up on, never goes without its kill switch.
     *
     * @since 1.2
     */
    List<String> cleanupKeepingKillSwitches() throws IOException;

    /**
     * A new password-mode server credential for this password: a random salt and server key, and the password
     * stretched under the salt (PROTOCOL.md 3.1; about half a second). A server started with it
     * ({@link TunnelSpec.Builder#passwordCredential}) takes clients that have the password and never holds the password
     * itself. The caller keeps it as it would a private key, and wipes it and {@code password}.
     *
     * @throws IllegalArgumentException when the password is empty or not valid Unicode text
     * @since 1.3
     */
    byte[] newPasswordCredential(char[] password);
}
