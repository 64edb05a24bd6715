package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A copy of the built distribution of its own (its own etc/ and deploy/) with run and state directories, used in
 * one namespace: what an operator who unzipped netproxy there has. Or, where a test needs nothing of its own in
 * etc/ or deploy/, the built distribution itself with run and state directories of its own. Or a copy that uses the
 * default directories of its namespace, as a newcomer's {@code ip netns exec NS bin/netproxy ...} does.
 */
final class Installation {
    final String namespace;
    final Path home;
    final Path runDir;
    final Path stateDir;
    /** Where the console of a foreground instance goes. */
    private final Path dir;
    private final boolean defaultDirectories;
    /** Set for every command of this installation, besides the run and state directories. */
    private final Map<String, String> environment = new java.util.HashMap<>();
    private Process foreground;

    private Installation(String namespace, Path home, Path dir, boolean defaultDirectories) {
        this.namespace = namespace;
        this.home = home;
        this.dir = dir;
        this.defaultDirectories = defaultDirectories;
        this.runDir = defaultDirectories ? Path.of("/run/netproxy/netns", namespace) : dir.resolve("run");
        this.stateDir = defaultDirectories ? Path.of("/var/lib/netproxy/netns", namespace) : dir.resolve("state");
    }

    /** A copy of the distribution in {@code dir}, with the run and state directories beside it. */
    static Installation in(String namespace, Path dir) throws Exception {
        return copy(new Installation(namespace, Files.createDirectories(dir).resolve("netproxy"), dir, false));
    }

    /**
     * A copy of the distribution in {@code dir} with the default run and state directories of its namespace
     * (/run/netproxy/netns/NS, /var/lib/netproxy/netns/NS), which {@link #stop} removes.
     */
    static Installation withDefaultDirectories(String namespace, Path dir) throws Exception {
        return copy(new Installation(namespace, Files.createDirectories(dir).resolve("netproxy"), dir, true));
    }

    private static Installation copy(Installation installation) throws Exception {
        Namespaces.Result copied = Namespaces.run(List.of("cp", "-a", Prerequisites.distribution().toString(),
                installation.home.toString()));
        assertTrue(copied.ok(), copied.output());
        return installation;
    }

    /** The built distribution itself, shared with other instances, with the run and state directories in {@code dir}. */
    static Installation shared(String namespace, Path dir) throws IOException {
        return new Installation(namespace, Prerequisites.distribution(), Files.createDirectories(dir), false);
    }

    Map<String, String> env() {
        Map<String, String> env = new java.util.HashMap<>(environment);
        if (!defaultDirectories) env.putAll(Map.of("NETPROXY_RUN_DIR", runDir.toString(), "NETPROXY_STATE_DIR", stateDir.toString()));
        return env;
    }

    /** Sets an environment variable for every command of this installation from now on. */
    Installation withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, home.resolve("bin/netproxy").toString()));
        command.addAll(List.of(args));
        return command;
    }

    Namespaces.Result run(String... args) throws Exception {
        return run(60, args);
    }

    Namespaces.Result run(long timeoutSeconds, String... args) throws Exception {
        return Namespaces.run(env(), timeoutSeconds, command(args));
    }

    /** Runs a command and fails the test with its output when it fails. */
    String ok(String... args) throws Exception {
        Namespaces.Result result = run(args);
        assertTrue(result.ok(), String.join(" ", args) + ": " + result.output());
        return result.output();
    }

    /** Starts a server in the foreground, as {@code bin/netproxy serve ...} in a terminal, and waits until it serves. */
    Process serve(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("serve"));
        command.addAll(List.of(args));
        return inForeground("serving tunnel", command.toArray(String[]::new));
    }

    /**
     * Starts {@code bin/netproxy run} as a service manager does, and waits until it has taken up the tunnel files of
     * etc/ (their tunnels may still be starting).
     */
    Process runConfigured() throws Exception {
        return inForeground("running the tunnels of", "run");
    }

    /**
     * Starts {@code bin/netproxy run ARGS...} as a systemd unit of {@code Type=notify} does, with {@code NOTIFY_SOCKET}
     * set, and waits until it has taken up its tunnel files.
     */
    Process runAsUnit(String notifySocket, String... runArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(runArgs));
        return inForeground(Map.of("NOTIFY_SOCKET", notifySocket), "running the tunnels of", args.toArray(String[]::new));
    }

    private Process inForeground(String ready, String... args) throws Exception {
        return inForeground(Map.of(), ready, args);
    }

    private Process inForeground(Map<String, String> extraEnv, String ready, String... args) throws Exception {
        Path log = foregroundLog();
        ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env());
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        foreground = process;
        Namespaces.waitFor(() -> Files.readString(log).contains(ready) || !process.isAlive(), 60, String.join(" ", args));
        // the sockets of the namespace too: a port that is in use names its holder
        if (!process.isAlive()) {
            fail(String.join(" ", args) + " exited: " + Files.readString(log) + "\nsockets in " + namespace + ":\n"
                    + Namespaces.inNamespace(namespace, "ss", "-tuanp").output());
        }
        return process;
    }

    /** Where an instance started in the foreground writes its console, log lines included. */
    Path foregroundLog() {
        return dir.resolve("foreground.log");
    }

    /** The instance's log (a detached instance's file, or a foreground one's console). */
    String log() throws IOException {
        Path detached = stateDir.resolve("netproxy.log");
        return Files.exists(detached) ? Files.readString(detached) : Files.readString(foregroundLog());
    }

    /** What one command prints in the Gogo shell of the running instance. */
    String shell(String command) throws Exception {
        ProcessBuilder shell = new ProcessBuilder(command("shell")).redirectErrorStream(true);
        shell.environment().putAll(env());
        Process process = shell.start();
        process.getOutputStream().write((command + "\nexit\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the shell did not end");
        return output;
    }

    /** The instance's bundles by symbolic name, from {@code felix:lb -s} in its Gogo shell. */
    String bundles() throws Exception {
        return shell("felix:lb -s");
    }

    /** Copies a bundle into deploy/, where the running instance installs it from. */
    void deploy(Path jar) throws IOException {
        Path partial = home.resolve("deploy").resolve(jar.getFileName() + ".part");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
        publish(partial, home.resolve("deploy").resolve(jar.getFileName()));
    }

    void undeploy(Path jar) throws IOException {
        Files.delete(home.resolve("deploy").resolve(jar.getFileName()));
    }

    /** Writes (or rewrites) a file of etc/, which the running instance reads within a second. */
    void configure(String file, String content) throws IOException {
        Path partial = home.resolve("etc").resolve(file + ".part");
        Files.writeString(partial, content);
        publish(partial, home.resolve("etc").resolve(file));
    }

    /** Renames a file written under a name FileInstall ignores into place, so it never reads half a file. */
    private static void publish(Path partial, Path target) throws IOException {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The TUN device of the first tunnel of a {@code status} output. */
    static String deviceOf(String status) {
        return firstOf("device: (\\S+) ", status);
    }

    /** The cipher suite of the first peer of a {@code status} or {@code peers} output. */
    static String cipherOf(String status) {
        return firstOf("cipher: (\\S+)", status);
    }

    /** The transport of the first tunnel of a {@code status} output ({@code udp+tcp} for a server on both). */
    static String transportOf(String status) {
        return firstOf("implementations: transport (\\S+),", status);
    }

    /** The TUN backend of the first tunnel of a {@code status} output. */
    static String tunBackendOf(String status) {
        return firstOf("TUN backend (\\S+),", status);
    }

    /** The network configurator of the first tunnel of a {@code status} output. */
    static String netconfOf(String status) {
        return firstOf("network configurator (\\S+)", status);
    }

    private static String firstOf(String pattern, String status) {
        Matcher m = Pattern.compile(pattern).matcher(status);
        assertTrue(m.find(), status);
        return m.group(1);
    }

    /** The detached instance's pid, from its pid file. */
    long pid() throws IOException {
        return Long.parseLong(Files.readString(runDir.resolve("netproxy.pid")).trim());
    }

    /**
     * Stops what runs of this installation, by pid: the foreground instance, a detached instance; then removes the
     * default directories it used, if it did.
     */
    void stop() throws Exception {
        if (foreground != null) Namespaces.stop(foreground);
        if (Files.exists(runDir.resolve("netproxy.pid"))) {
            ProcessHandle.of(pid()).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        if (defaultDirectories) {
            for (Path directory : List.of(runDir, stateDir)) {
                Namespaces.Result removed = Namespaces.run(List.of("rm", "-rf", "--one-file-system", directory.toString()));
                assertTrue(removed.ok(), removed.output());
            }
        }
    }
}
