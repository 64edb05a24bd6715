package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A copy of the built distribution of its own (its own etc/ and deploy/) with run and state directories, used in
 * one namespace: what an operator who unzipped netproxy there has.
 */
final class Installation {
    final String namespace;
    final Path home;
    final Path runDir;
    final Path stateDir;
    private Process foreground;

    private Installation(String namespace, Path dir) {
        this.namespace = namespace;
        this.home = dir.resolve("netproxy");
        this.runDir = dir.resolve("run");
        this.stateDir = dir.resolve("state");
    }

    static Installation in(String namespace, Path dir) throws Exception {
        Installation installation = new Installation(namespace, Files.createDirectories(dir));
        Namespaces.Result copied = Namespaces.run(List.of("cp", "-a", Prerequisites.distribution().toString(),
                installation.home.toString()));
        assertTrue(copied.ok(), copied.output());
        return installation;
    }

    Map<String, String> env() {
        return Map.of("NETPROXY_RUN_DIR", runDir.toString(), "NETPROXY_STATE_DIR", stateDir.toString());
    }

    List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, home.resolve("bin/netproxy").toString()));
        command.addAll(List.of(args));
        return command;
    }

    Namespaces.Result run(String... args) throws Exception {
        return Namespaces.run(env(), 60, command(args));
    }

    /** Runs a command and fails the test with its output when it fails. */
    String ok(String... args) throws Exception {
        Namespaces.Result result = run(args);
        assertTrue(result.ok(), String.join(" ", args) + ": " + result.output());
        return result.output();
    }

    /** Starts a server in the foreground, as {@code bin/netproxy serve ...} in a terminal, and waits until it serves. */
    void serve(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("serve"));
        command.addAll(List.of(args));
        Path log = runDir.getParent().resolve("foreground.log");
        ProcessBuilder builder = new ProcessBuilder(command(command.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env());
        Process process = builder.start();
        foreground = process;
        Namespaces.waitFor(() -> Files.readString(log).contains("serving tunnel") || !process.isAlive(), 60, "server start");
        assertTrue(process.isAlive(), "server exited: " + Files.readString(log));
    }

    /** The instance's log (a detached instance's file, or a foreground one's console). */
    String log() throws IOException {
        Path detached = stateDir.resolve("netproxy.log");
        return Files.exists(detached) ? Files.readString(detached)
                : Files.readString(runDir.getParent().resolve("foreground.log"));
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

    /** Stops what runs of this installation, by pid: the foreground server, a detached instance. */
    void stop() throws Exception {
        if (foreground != null) Namespaces.stop(foreground);
        Path pidFile = runDir.resolve("netproxy.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
    }
}
