package io.netproxy.launcher;

import io.netproxy.host.Root;
import io.netproxy.host.RunDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/netproxy}: starts an instance (Felix with the netproxy bundles) or drives a running one
 * through its control socket.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: netproxy COMMAND [OPTIONS]",
            "  serve [--port P] [--password-file F | --password-credential F | --key F --peer PUBKEY...] [--pool CIDR]",
            "        [--pool6 CIDR6] [--mtu N] [--dns IP]... [--dns-search DOMAIN]... [-d]",
            "  connect HOST[:PORT] [--port P] [--password-file F | --key F --server-key PUBKEY] [--route CIDR]... [--no-dns]",
            "          [--kill-switch [--allow-lan]] [-d]",
            "                         uses the DNS servers the server pushes while connected; --no-dns keeps the host's;",
            "                         --kill-switch drops what would leave outside the tunnel until disconnect (after a",
            "                         crash, until cleanup); --allow-lan keeps the directly connected networks reachable",
            "  run [NAME]             the tunnels of etc/io.netproxy.tunnel-*.cfg (or of io.netproxy.tunnel-NAME.cfg",
            "                         alone) and nothing else, in the foreground until SIGTERM or Ctrl-C (then every",
            "                         host change is reverted and it exits 0), for service managers (sd_notify READY=1",
            "                         once every tunnel is up); exits 2 with the file, line and problem when a file is",
            "                         bad or there is none, or when an instance already runs in this namespace",
            "  disconnect [NAME]      stop a tunnel of the running instance (the only one when NAME is left out)",
            "  status [--json]        tunnels and peers of the running instance, like wg show; exits 1 when a tunnel",
            "                         that should be up is not (a server not listening, a client not connected, a file",
            "                         of etc/ whose tunnel does not run) or no instance runs in this namespace",
            "  peers [NAME] [--json]  peers of a tunnel",
            "  swap [NAME] KIND IMPL  move a running tunnel to another transport, cipher, tun or netconf implementation",
            "  genkey FILE            write a new private key to FILE (0600) and its public key to FILE.pub",
            "  passwd FILE [--force] [--password-file F]",
            "                         write a password-mode server credential to FILE (0600): a new salt and server key",
            "                         and the password stretched, so that serve --password-credential FILE needs no password",
            "  cleanup [--keep-kill-switch]",
            "                         revert host changes that a killed instance left behind, its kill switch too",
            "                         unless kept (what the systemd units run after their instance)",
            "  shell                  Gogo shell of the running instance, or of a fresh one",
            "A password is read from --password-file, the NETPROXY_PASSWORD environment variable or a prompt.",
            "serve, connect and run take --metrics HOST:PORT: Prometheus metrics on http://HOST:PORT/metrics (a PORT",
            "alone listens on 127.0.0.1); etc/io.netproxy.metrics.cfg does the same for every start.");
    private static final long STARTUP_TIMEOUT_MS = 60_000;
    /** How often the launcher looks whether an instance has come or gone: a start takes one to two seconds, and each
     *  step waited past the moment delays connect. */
    private static final long POLL_MS = 20;
    /** Where {@code --metrics} goes; the metrics bundle reads it (BundleContext.getProperty falls back to it). */
    private static final String METRICS_PROPERTY = "netproxy.metrics";
    /** The NAME of {@code run NAME}: a tunnel file's name between {@code io.netproxy.tunnel-} and {@code .cfg}. */
    private static final java.util.regex.Pattern TUNNEL_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** Options whose value is a file the instance reads: made absolute, as the instance may have another working directory. */
    private static final List<String> FILE_OPTIONS = List.of("--password-file", "--password-credential", "--key");

    /** Set by the shutdown hooks (Ctrl-C, SIGTERM) before they stop the framework. */
    private static volatile boolean shuttingDown;

    private Main() {}

    public static void main(String[] argv) {
        int code;
        try {
            code = run(new ArrayList<>(Arrays.asList(argv)), Layout.fromEnvironment());
        } catch (IOException e) {
            System.err.println("netproxy: " + e.getMessage());
            code = 1;
        } catch (InterruptedException e) {
            code = 130;
        }
        System.exit(code);
    }

    private static int run(List<String> args, Layout layout) throws IOException, InterruptedException {
        if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help") || args.get(0).equals("help")) {
            System.out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        if (command.equals("serve") || command.equals("connect") || command.equals("run") || command.equals("daemon")) {
            String problem = takeMetricsOption(args);
            if (problem != null) return usageError(problem);
        }
        // During shutdown the instance closing the connection is expected, not an error to report.
        ControlClient control = new ControlClient(layout.controlSocket(), () -> shuttingDown);
        switch (command) {
            case "genkey":
                if (args.size() != 2) return usageError("genkey takes one FILE");
                System.out.println(KeyFiles.generate(Path.of(args.get(1))));
                return 0;
            case "serve":
            case "connect":
                Root.require();
                return startTunnel(args, layout, control);
            case "run":
                Root.require();
                if (args.size() > 2) return usageError("run takes at most one NAME: it runs the tunnels of " + layout.etc());
                String only = args.size() == 2 ? args.get(1) : null;
                if (only != null && !TUNNEL_NAME.matcher(only).matches()) {
                    return usageError("run NAME: '" + only + "' is not the NAME of a file " + layout.etc()
                            + "/io.netproxy.tunnel-NAME.cfg (letters, digits, '.', '_', '-')");
                }
                return runConfigured(layout, control, only);
            case "disconnect":
            case "status":
            case "peers":
            case "swap":
                requireRunning(control, layout, command);
                return control.call(args, null, System.out, System.err);
            case "passwd":
                Root.require();
                return passwd(args, layout, control);
            case "cleanup":
                Root.require();
                return control.isServing()
                        ? control.call(args, null, System.out, System.err)
                        : inFreshInstance(layout, control, args);
            case "shell":
                Root.require();
                if (control.isServing()) return ShellClient.attach(control, layout);
                FelixRuntime runtime = startRuntime(layout, true, false);
                addShutdownHook(runtime);
                runtime.awaitStop();
                return 0;
            case "daemon":
                return daemon(layout, control);
            default:
                return usageError("unknown command '" + command + "'");
        }
    }

    private static int startTunnel(List<String> args, Layout layout, ControlClient control)
            throws IOException, InterruptedException {
        boolean detach = args.remove("-d") | args.remove("--detach");
        absoluteFileOptions(args);
        char[] secret = Secrets.namedInArguments(args) ? null : Secrets.passwordFromEnvironmentOrPrompt();
        try {
            if (control.isServing() && System.getProperty(METRICS_PROPERTY) != null) {
                return usageError("--metrics is for the instance that starts; one already runs in "
                        + layout.namespace().describe() + ": set etc/io.netproxy.metrics.cfg, or leave --metrics out");
            }
            if (control.isServing()) {
                // The instance may be on its way out, its last tunnel just disconnected: then it refuses, and this
                // start waits for it to go and starts a new one.
                java.io.ByteArrayOutputStream refusal = new java.io.ByteArrayOutputStream();
                int code = control.call(args, secret, System.out, new PrintStream(refusal, true));
                if (code != ControlClient.INSTANCE_EXITING) {
                    System.err.print(refusal);
                    return code;
                }
                awaitGone(control, layout);
            }
            if (detach) return startDetached(args, secret, layout, control);
            return runInForeground(args, secret, layout, control);
        } finally {
            if (secret != null) Arrays.fill(secret, '\0');
        }
    }

    /** Runs the instance in this process until its tunnels end, Ctrl-C or SIGTERM. */
    private static int runInForeground(List<String> args, char[] secret, Layout layout, ControlClient control)
            throws IOException, InterruptedException {
        FelixRuntime runtime = startRuntime(layout, false, true);
        addShutdownHook(runtime);
        awaitControlSocket(control, null, layout);
        int code = control.call(args, secret, System.out, System.err);
        if (code == 0) code = control.call(List.of("wait-idle"), null, System.out, System.err);
        runtime.stop();
        return code;
    }

    /**
     * {@code run [NAME]}: the tunnels of etc/ (or the one of {@code io.netproxy.tunnel-NAME.cfg}) and nothing else, in
     * this process until SIGTERM or SIGINT (or the framework is stopped from its shell), logging to standard error. Exit
     * code 0 after a signal, once every tunnel has stopped and reverted its host changes; 2 when etc/ defines no tunnel
     * (or has no file NAME), a file is bad (the instance says which, with its line and what is wrong), or an instance
     * already runs in this namespace. Under a service manager ({@code NOTIFY_SOCKET} set, a systemd unit of
     * {@code Type=notify}) it says READY=1 once every tunnel is up, and STOPPING=1 when it stops.
     */
    private static int runConfigured(Layout layout, ControlClient control, String only)
            throws IOException, InterruptedException {
        if (control.isServing()) {
            System.err.println("netproxy: an instance already runs in " + layout.namespace().describe() + " (it answers on "
                    + layout.controlSocket() + "); stop it first, or see 'netproxy status'");
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onStop(stop::countDown);
        FelixRuntime runtime = startRuntime(layout, false, true, only);
        addShutdownHook(runtime);
        Thread frameworkStopped = new Thread(() -> {
            try {
                runtime.awaitStop();
            } catch (InterruptedException e) {
                return;
            }
            stop.countDown();
        }, "netproxy-framework-stopped");
        frameworkStopped.setDaemon(true);
        frameworkStopped.start();
        ServiceNotifier notifier = null;
        try {
            awaitControlSocket(control, null, layout);
            List<String> check = new ArrayList<>(List.of("await-configured"));
            if (only != null) check.add(only);
            int code = control.call(check, null, System.out, System.err);
            if (code != 0) return code;
            System.out.println("running the tunnels of " + (only == null ? layout.etc()
                    : layout.etc().resolve("io.netproxy.tunnel-" + only + ".cfg")) + " until SIGTERM");
            if (ServiceNotifier.requested()) {
                notifier = new ServiceNotifier(control);
                notifier.start();
            }
            stop.await();
            return 0;
        } finally {
            shuttingDown = true;
            if (notifier != null) notifier.stopping();
            runtime.stop();
        }
    }

    private static int startDetached(List<String> args, char[] secret, Layout layout, ControlClient control)
            throws IOException, InterruptedException {
        RunDirectory.prepare(layout.runDir()); // reported here rather than in the background instance's log
        Files.createDirectories(layout.logFile().toAbsolutePath().getParent());
        // Through bin/netproxy, which gives the instance's JVM its options (the class data archive among them), on
        // this JVM's java unless NETPROXY_JAVA names one.
        List<String> command = new ArrayList<>(List.of("setsid", "bash", layout.home().resolve("bin/netproxy").toString(),
                "daemon"));
        String metrics = System.getProperty(METRICS_PROPERTY);
        if (metrics != null) command.addAll(List.of("--metrics", metrics));
        ProcessBuilder builder = new ProcessBuilder(command);
        ProcessHandle.current().info().command().ifPresent(java -> builder.environment().putIfAbsent("NETPROXY_JAVA", java));
        // The secret travels over the control socket; the daemon and every ip/iptables it runs must not inherit it.
        builder.environment().remove(Secrets.PASSWORD_ENV);
        builder.environment().remove(ServiceNotifier.SOCKET_ENV); // nor say that it is ready: it is not a unit's process
        Process daemon = builder
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logFile().toFile()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        awaitControlSocket(control, daemon, layout);
        int code = control.call(args, secret, System.out, System.err);
        if (code != 0) {
            control.call(List.of("shutdown"), null, System.out, System.err);
            daemon.waitFor(60, TimeUnit.SECONDS);
        } else {
            System.out.println("running in the background, pid " + daemon.pid() + ", log " + layout.logFile());
        }
        return code;
    }

    /** The detached instance: serves the control socket, exits once its last tunnel has stopped. */
    private static int daemon(Layout layout, ControlClient control) throws IOException, InterruptedException {
        FelixRuntime runtime = startRuntime(layout, false, true);
        addShutdownHook(runtime);
        Files.writeString(layout.pidFile(), ProcessHandle.current().pid() + "\n");
        try {
            awaitControlSocket(control, null, layout);
            return control.call(List.of("wait-idle"), null, System.out, System.err);
        } finally {
            Files.deleteIfExists(layout.pidFile());
        }
    }

    /** Runs one command (cleanup) in an instance started for it, without the tunnels of etc/. */
    private static int inFreshInstance(Layout layout, ControlClient control, List<String> args)
            throws IOException, InterruptedException {
        return inFreshInstance(layout, control, args, null);
    }

    private static int inFreshInstance(Layout layout, ControlClient control, List<String> args, char[] secret)
            throws IOException, InterruptedException {
        FelixRuntime runtime = startRuntime(layout, false, false);
        addShutdownHook(runtime);
        try {
            awaitControlSocket(control, null, layout);
            return control.call(args, secret, System.out, System.err);
        } finally {
            runtime.stop();
        }
    }

    /**
     * {@code passwd FILE}: the credential is made where Argon2id is, in the running instance or one started for it;
     * the password from {@code --password-file} (read there), the environment, or a prompt that asks twice.
     */
    private static int passwd(List<String> args, Layout layout, ControlClient control)
            throws IOException, InterruptedException {
        absoluteFileOptions(args);
        int file = 1;
        while (file < args.size() && args.get(file).startsWith("--")) file += args.get(file).equals("--password-file") ? 2 : 1;
        if (file >= args.size()) return usageError("passwd FILE [--force] [--password-file F]");
        args.set(file, Path.of(args.get(file)).toAbsolutePath().toString());
        char[] secret = Secrets.namedInArguments(args) ? null : Secrets.newPasswordFromEnvironmentOrPrompt();
        try {
            return control.isServing() ? control.call(args, secret, System.out, System.err)
                    : inFreshInstance(layout, control, args, secret);
        } finally {
            if (secret != null) Arrays.fill(secret, '\0');
        }
    }

    /**
     * @param tunnelsFromEtc whether the tunnels defined in etc/ start; not for cleanup and shell, which must not
     *                       touch the host's network only because they booted an instance
     */
    private static FelixRuntime startRuntime(Layout layout, boolean interactiveConsole, boolean tunnelsFromEtc)
            throws IOException {
        return startRuntime(layout, interactiveConsole, tunnelsFromEtc, null);
    }

    /** @param only the NAME of the one tunnel file of etc/ to start ({@code run NAME}), or null for all */
    private static FelixRuntime startRuntime(Layout layout, boolean interactiveConsole, boolean tunnelsFromEtc, String only)
            throws IOException {
        RunDirectory.prepare(layout.runDir());
        Files.createDirectories(layout.stateDir());
        try {
            return FelixRuntime.start(layout, interactiveConsole, tunnelsFromEtc, only);
        } catch (org.osgi.framework.BundleException e) {
            throw new IOException("the OSGi framework did not start: " + e.getMessage(), e);
        }
    }

    private static void addShutdownHook(FelixRuntime runtime) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            runtime.stop();
        }, "netproxy-shutdown"));
    }

    /**
     * Removes {@code --metrics HOST:PORT} from the arguments into the system property that the metrics bundle reads
     * through the framework (where it overrides etc/io.netproxy.metrics.cfg). Returns what is wrong, or null.
     */
    static String takeMetricsOption(List<String> args) {
        int at = args.indexOf("--metrics");
        if (at < 0) return null;
        if (at + 1 >= args.size() || args.get(at + 1).isBlank() || args.get(at + 1).startsWith("-")) {
            return "--metrics needs HOST:PORT (or a PORT, on 127.0.0.1)";
        }
        System.setProperty(METRICS_PROPERTY, args.get(at + 1));
        args.subList(at, at + 2).clear();
        return args.contains("--metrics") ? "--metrics is given twice" : null;
    }

    /** Makes the values of the file options (--password-file and the like) absolute, against this process's working directory. */
    static void absoluteFileOptions(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (FILE_OPTIONS.contains(args.get(i))) {
                args.set(i + 1, Path.of(args.get(i + 1)).toAbsolutePath().toString());
                i++;
            }
        }
    }

    /** Waits until the instance that answers on the control socket has gone. */
    private static void awaitGone(ControlClient control, Layout layout) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        while (control.isServing()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("the instance in " + layout.namespace().describe() + " is exiting but still answers"
                        + " on " + layout.controlSocket() + " after " + STARTUP_TIMEOUT_MS / 1000 + " s; see " + layout.logFile());
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static void awaitControlSocket(ControlClient control, Process daemon, Layout layout)
            throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        while (!control.isServing()) {
            if (daemon != null && !daemon.isAlive()) {
                throw new IOException("the background instance exited during startup; see " + layout.logFile());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("the instance did not open its control socket " + layout.controlSocket()
                        + " within " + STARTUP_TIMEOUT_MS / 1000 + " s; see the log");
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static void requireRunning(ControlClient control, Layout layout, String command) throws IOException {
        if (!control.isServing()) {
            throw new IOException("no running netproxy instance in " + layout.namespace().describe()
                    + " (nothing answers on " + layout.controlSocket() + "); start one with 'netproxy serve' or"
                    + " 'netproxy connect' in this namespace"
                    // a killed client's kill switch outlives it, and disconnect is what its user reaches for
                    + (command.equals("disconnect") ? "; 'netproxy cleanup' reverts what a killed one left, its kill"
                            + " switch included" : ""));
        }
    }

    private static int usageError(String message) {
        PrintStream err = System.err;
        err.println("netproxy: " + message);
        err.println(USAGE);
        return 2;
    }
}
