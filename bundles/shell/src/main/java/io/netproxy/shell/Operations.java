package io.netproxy.shell;

import io.netproxy.api.tunnel.PluginKind;
import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator commands, shared by Gogo and the control socket: each takes its arguments and prints
 * to {@code out} / {@code err}, returning a process-style exit code.
 */
final class Operations {
    static final String KEEP_KILL_SWITCH = "--keep-kill-switch";
    static final long IDLE_POLL_MS = 500;
    /**
     * A start refused because this instance is exiting (its last tunnel stopped): the launcher then waits for it to
     * go and starts a new one. EX_TEMPFAIL; the launcher's ControlClient knows the same number.
     */
    static final int EXITING = 75;
    /** The files of etc/ that define tunnels, as FileInstall names factory configurations of {@link ConfiguredTunnel#PID}. */
    static final String TUNNEL_FILES = ConfiguredTunnel.PID + "-*.cfg";
    /** The NAME of a tunnel file that {@code run NAME} may name: nothing a glob or a path would read otherwise. */
    static final java.util.regex.Pattern TUNNEL_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private final TunnelService tunnels;
    private final ConfiguredTunnels configured;
    private final InstantSource clock;
    /**
     * Tunnel starts under way, and whether {@link #waitIdle} has let the instance go. Decided under one lock, so that
     * a start never runs in an instance that is about to exit (a {@code connect} right after the {@code disconnect}
     * of its last tunnel), and an instance never exits under a start.
     */
    private final Object idleLock = new Object();
    private int starting;
    private boolean exiting;

    Operations(TunnelService tunnels, ConfiguredTunnels configured, InstantSource clock) {
        this.tunnels = tunnels;
        this.configured = configured;
        this.clock = clock;
    }

    int serve(List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        return start(TunnelSpec.Role.SERVER, args, secret, out, err);
    }

    int connect(List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        return start(TunnelSpec.Role.CLIENT, args, secret, out, err);
    }

    private int start(TunnelSpec.Role role, List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        synchronized (idleLock) {
            if (exiting) {
                err.println("netproxy: this instance is exiting: its last tunnel has stopped");
                return EXITING;
            }
            starting++;
        }
        try {
            return startTunnel(role, args, secret, out, err);
        } finally {
            synchronized (idleLock) {
                starting--;
            }
        }
    }

    private int startTunnel(TunnelSpec.Role role, List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        TunnelSpec spec;
        try {
            spec = TunnelArguments.parse(role, args, secret);
        } catch (IllegalArgumentException | IOException e) {
            err.println("netproxy: " + e.getMessage());
            return 2;
        }
        try {
            TunnelStatus status = tunnels.start(spec);
            out.println(role == TunnelSpec.Role.SERVER
                    ? "serving tunnel '" + status.name() + "' on " + status.endpoint() + " (" + status.transport()
                      + "), " + status.tunInterface() + " " + status.tunAddress()
                    : "connected tunnel '" + status.name() + "' to " + status.endpoint() + " (" + status.transport()
                      + "): " + status.tunInterface()
                      + " " + status.tunAddress());
            if (status.publicKey() != null) out.println("public key " + status.publicKey());
            status.network().forEach(line -> out.println("  " + line));
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("netproxy: " + e.getMessage());
            return 1;
        } finally {
            spec.wipe();
        }
    }

    /** {@code swap [NAME] KIND IMPLEMENTATION}: moves a running tunnel to another transport, cipher suite, ... */
    int swap(List<String> args, PrintWriter out, PrintWriter err) {
        if (args.size() < 2 || args.size() > 3) {
            err.println("netproxy: swap [NAME] transport|cipher|tun|netconf IMPLEMENTATION");
            return 2;
        }
        Optional<String> name = args.size() == 3 ? Optional.of(args.get(0)) : onlyTunnel(err);
        if (name.isEmpty()) return 1;
        List<String> what = args.subList(args.size() - 2, args.size());
        try {
            PluginKind kind = PluginKind.ofWord(what.get(0));
            tunnels.swap(name.get(), kind, what.get(1));
            out.println("tunnel '" + name.get() + "': " + kind.word() + " is now " + what.get(1));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("netproxy: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("netproxy: tunnel '" + name.get() + "' runs on as before: " + e.getMessage());
            return 1;
        }
    }

    int disconnect(List<String> args, PrintWriter out, PrintWriter err) {
        Optional<String> name = args.isEmpty() ? onlyTunnel(err) : Optional.of(args.get(0));
        if (name.isEmpty()) return 1;
        try {
            if (!tunnels.stop(name.get())) {
                err.println("netproxy: no tunnel named '" + name.get() + "'");
                return 1;
            }
            out.println("stopped tunnel '" + name.get() + "'; host network settings restored");
            return 0;
        } catch (IOException e) {
            err.println("netproxy: tunnel '" + name.get() + "' stopped, but restoring the host failed: " + e.getMessage());
            return 1;
        }
    }

    private Optional<String> onlyTunnel(PrintWriter err) {
        List<TunnelStatus> all = tunnels.tunnels();
        if (all.size() == 1) return Optional.of(all.get(0).name());
        err.println(all.isEmpty() ? "netproxy: no tunnel is running"
                : "netproxy: several tunnels run; name one of " + all.stream().map(TunnelStatus::name).toList());
        return Optional.empty();
    }

    /**
     * {@code status [--json]}: every tunnel and peer, like {@code wg show}. Exit code 0 when every tunnel that should
     * be up is (see {@link StatusReport}), 1 otherwise, so that it serves as a health check.
     */
    int status(List<String> args, PrintWriter out, PrintWriter err) {
        Optional<Boolean> json = jsonOption(args, 0, "status [--json]", err);
        if (json.isEmpty()) return 2;
        StatusReport report = StatusReport.of(tunnels.tunnels(), configured.entries(), clock.instant());
        if (json.get()) out.println(StatusJson.of(report));
        else StatusText.write(report, out);
        report.problems().forEach(problem -> err.println("netproxy: " + problem));
        return report.healthy() ? 0 : 1;
    }

    /**
     * For {@code netproxy run} under a service manager: {@link StatusReport#summary} on one line, and 0 when every
     * tunnel that should be up is (the health of {@code status}), else 1.
     */
    int health(PrintWriter out) {
        StatusReport report = StatusReport.of(tunnels.tunnels(), configured.entries(), clock.instant());
        out.println(report.summary());
        return report.healthy() ? 0 : 1;
    }

    /** {@code peers [NAME] [--json]}: the peers of a tunnel. */
    int peers(List<String> args, PrintWriter out, PrintWriter err) {
        Optional<Boolean> json = jsonOption(args, 1, "peers [NAME] [--json]", err);
        if (json.isEmpty()) return 2;
        List<String> rest = args.stream().filter(arg -> !arg.equals("--json")).toList();
        Optional<String> name = rest.isEmpty() ? onlyTunnel(err) : Optional.of(rest.get(0));
        if (name.isEmpty()) return 1;
        Optional<TunnelStatus> tunnel = tunnels.tunnel(name.get());
        if (tunnel.isEmpty()) {
            err.println("netproxy: no tunnel named '" + name.get() + "'");
            return 1;
        }
        if (json.get()) out.println(StatusJson.peers(tunnel.get(), clock.instant()));
        else StatusText.peers(tunnel.get(), clock.instant(), out);
        return 0;
    }

    /** Whether {@code --json} is among the arguments; empty (and the usage said) when there are others than it and {@code names}. */
    private static Optional<Boolean> jsonOption(List<String> args, int names, String usage, PrintWriter err) {
        List<String> rest = args.stream().filter(arg -> !arg.equals("--json")).toList();
        if (rest.size() > names || rest.stream().anyMatch(arg -> arg.startsWith("-"))) {
            err.println("netproxy: usage: " + usage);
            return Optional.empty();
        }
        return Optional.of(rest.size() < args.size());
    }

    /**
     * For {@code netproxy run}: waits until every tunnel file of {@code etc} has been read and checked, and says what
     * became of each. A good file's tunnel starts (or retries a failed start on its own, as any tunnel of etc/ does).
     *
     * @param only the NAME of the one file {@code io.netproxy.tunnel-NAME.cfg} that {@code run NAME} starts (the
     *             launcher has FileInstall leave the other tunnel files alone), or null for all of them
     * @return 0 when there are tunnel files and all are good; 2 when there is none, or one is bad (its file, line and
     *         what is wrong are printed) or was not read within {@code timeoutMs}
     */
    int awaitConfigured(Path etc, String only, long timeoutMs, PrintWriter out, PrintWriter err) throws InterruptedException {
        String pattern = only == null ? TUNNEL_FILES : ConfiguredTunnel.PID + "-" + only + ".cfg";
        if (only != null && !TUNNEL_NAME.matcher(only).matches()) {
            err.println("netproxy: '" + only + "' is not a tunnel file's NAME (letters, digits, '.', '_', '-')");
            return 2;
        }
        List<Path> files;
        try {
            files = tunnelFiles(etc, pattern);
        } catch (IOException e) {
            err.println("netproxy: cannot read the configuration directory " + etc + ": " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            String file = only == null ? "io.netproxy.tunnel-NAME.cfg" : pattern;
            err.println("netproxy: no tunnel is configured: " + etc + " has no " + pattern + " file; copy "
                    + etc.resolve("io.netproxy.tunnel-example.cfg.sample") + " to " + etc.resolve(file)
                    + " and edit it");
            return 2;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Path> unread = files;
        while (!(unread = unread(files)).isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
        for (Path file : unread) {
            err.println("netproxy: " + file + ": not taken up within " + timeoutMs / 1000 + " s; is it a readable"
                    + " properties file?");
        }
        int code = unread.isEmpty() ? 0 : 2;
        for (ConfiguredTunnels.Entry entry : configured.entries()) {
            if (!files.contains(Path.of(entry.source()))) continue;
            if (entry.state() == ConfiguredTunnels.State.REFUSED) {
                err.println("netproxy: " + entry.problem());
                code = 2;
            } else {
                out.println("tunnel " + entry.name() + " of " + entry.source() + ": " + entry.state().name().toLowerCase());
            }
        }
        return code;
    }

    private static List<Path> tunnelFiles(Path etc, String pattern) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> matching = Files.newDirectoryStream(etc, pattern)) {
            for (Path file : matching) files.add(file.toAbsolutePath().normalize());
        }
        files.sort(null);
        return files;
    }

    /** The files no {@link ConfiguredTunnel} has reported on yet. */
    private List<Path> unread(List<Path> files) {
        List<Path> reported = configured.entries().stream().map(e -> Path.of(e.source())).toList();
        return files.stream().filter(file -> !reported.contains(file)).toList();
    }

    /**
     * {@code cleanup [--keep-kill-switch]}: reverts what killed instances left on the host, through every installed
     * configurator; their clients' kill switches too, unless kept (what a service manager runs after its instance).
     */
    int cleanup(List<String> args, PrintWriter out, PrintWriter err) {
        boolean keepKillSwitches = args.equals(List.of(KEEP_KILL_SWITCH));
        if (!args.isEmpty() && !keepKillSwitches) {
            err.println("netproxy: cleanup [" + KEEP_KILL_SWITCH + "]");
            return 2;
        }
        try {
            List<String> reverted = keepKillSwitches ? tunnels.cleanupKeepingKillSwitches() : tunnels.cleanup();
            reverted.forEach(out::println);
            if (reverted.isEmpty()) out.println("nothing to revert: no killed run left changes in this network namespace");
            return 0;
        } catch (IOException e) {
            err.println("netproxy: " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code passwd FILE [--force] [--password-file F]}: a password-mode server credential (a new salt and server key,
     * the password stretched) written to FILE, 0600, for {@code serve --password-credential FILE}; the password from F,
     * or the one the launcher read (environment or prompt).
     */
    int passwd(List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        List<String> rest = new ArrayList<>(args);
        boolean replace = rest.remove("--force");
        char[] password = null;
        try {
            int fileOption = rest.indexOf("--password-file");
            if (fileOption >= 0 && fileOption + 1 < rest.size()) {
                password = TunnelSettings.readPasswordFile(Path.of(rest.remove(fileOption + 1)));
                rest.remove(fileOption);
            } else if (secret != null) {
                password = secret.clone();
            }
            if (rest.size() != 1 || password == null) {
                err.println("netproxy: passwd FILE [--force] [--password-file F]");
                return 2;
            }
            Path file = Path.of(rest.get(0));
            byte[] credential = tunnels.newPasswordCredential(password);
            try {
                CredentialFile.write(file, credential, replace);
                out.println("wrote " + file + " (0600): serve --password-credential " + file + " needs no password");
                out.println("server public key " + CredentialFile.publicKey(credential) + " (clients may pin it with --server-key)");
                return 0;
            } finally {
                java.util.Arrays.fill(credential, (byte) 0);
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("netproxy: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        } finally {
            if (password != null) java.util.Arrays.fill(password, '\0');
        }
    }

    /**
     * Blocks until tunnels have run and none is left; what a detached or foreground instance waits on.
     * Polls every {@link #IDLE_POLL_MS} ms: awaitStopped returns at once for a tunnel that has stopped but is still
     * listed, and the loop must not spin on it. Always 0: TunnelStatus does not say why a tunnel ended (a
     * disconnect, or a client giving up), so an instance whose last tunnel ended on its own exits like one
     * told to disconnect; the reason is in the log.
     */
    int waitIdle() throws InterruptedException {
        boolean seen = false;
        while (true) {
            List<TunnelStatus> all;
            synchronized (idleLock) {
                all = tunnels.tunnels();
                if (all.isEmpty() && seen && starting == 0) {
                    exiting = true;
                    return 0;
                }
            }
            seen |= !all.isEmpty();
            for (TunnelStatus t : all) tunnels.awaitStopped(t.name(), 1, TimeUnit.DAYS);
            Thread.sleep(IDLE_POLL_MS);
        }
    }
}
