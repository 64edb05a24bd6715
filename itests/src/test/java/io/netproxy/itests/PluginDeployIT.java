package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin (examples/transport-obfs), built from its own pom, deployed the way a user would: copied into
 * the deploy/ folder of a running server instance, and of a client instance, each an installation of its own with
 * the same obfuscation key named in its etc/. A tunnel on the plugin's transport carries a checked download; the
 * router sees none of netproxy's type bytes on the wire; a new version of the jar is taken over under traffic;
 * removing the jar uninstalls the plugin; the Gogo shell installs and uninstalls it too. Every namespace is left as
 * found.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginDeployIT {
    private static final String SERVER = "198.51.100.10";
    private static final String INTERNET = "203.0.113.10";
    private static final String OBFS_PORT = "7000";
    private static final String PLUGIN = "io.netproxy.examples.transport-obfs";
    /** The router's table of counters, a table of the test's own. */
    private static final String WIRE_TABLE = "netproxy_wire_test";

    @TempDir
    static Path work;
    private final String prefix = Namespaces.prefix('p');
    private Path scripts;
    private Path plugin;
    private Process whatIsMyIp;
    private final List<Process> foreground = new ArrayList<>();
    private final List<Long> detachedPids = new ArrayList<>();
    private Map<String, String> before;

    @BeforeAll
    void network() throws Exception {
        Prerequisites.requireIsolatedRoot();
        plugin = Path.of(System.getProperty("netproxy.example.obfs", "../examples/transport-obfs/target/missing.jar"));
        assertTrue(Files.isRegularFile(plugin), "the example plugin is not built at " + plugin + "; run 'mvn -B verify' from the top");
        scripts = Path.of(System.getProperty("netproxy.scripts", "../scripts"));
        Namespaces.topology(scripts, "up", prefix);
        String java = ProcessHandle.current().info().command().orElse("java");
        whatIsMyIp = new ProcessBuilder("ip", "netns", "exec", ns("net"), java, scripts.resolve("WhatIsMyIp.java").toString(), "8080")
                .redirectErrorStream(true).redirectOutput(work.resolve("whatismyip.log").toFile()).start();
        Namespaces.waitFor(() -> Files.readString(work.resolve("whatismyip.log")).contains("listening"), 60, "what-is-my-IP service");
    }

    @AfterAll
    void teardown() throws Exception {
        if (whatIsMyIp != null) whatIsMyIp.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (scripts != null) Namespaces.topology(scripts, "down", prefix);
    }

    @BeforeEach
    void snapshot() throws Exception {
        before = Namespaces.snapshots(prefix);
    }

    @AfterEach
    void hostStateIsRestored() throws Exception {
        for (Process process : foreground) Namespaces.stop(process);
        foreground.clear();
        for (long pid : detachedPids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        detachedPids.clear();
        Namespaces.inNamespace(ns("rtr"), "nft", "delete", "table", "inet", WIRE_TABLE);
        Namespaces.assertUnchanged(before, prefix);
    }

    @Test
    void aPluginDroppedIntoDeployCarriesATunnelLiveAndLeavesWithItsJar() throws Exception {
        Path key = secret("obfs.key", HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
        Path password = secret("password", "plugin deploy password");
        Installation server = install("srv", key);
        Installation client = install("c1", key);

        // a running server, on the built-in UDP transport
        server.startForeground("serve", "--password-file", password.toString(), "--pool", "198.18.0.0/24", "--transport", "udp");
        assertFalse(server.bundles().contains(PLUGIN), "the plugin is not there before it is deployed");

        server.deploy(plugin);
        Namespaces.waitFor(() -> server.bundles().lines().anyMatch(line -> line.contains("|Active") && line.contains("|" + PLUGIN + " ")),
                30, "the plugin to be installed and started from deploy/");
        Namespaces.Result obfsTunnel = server.run("serve", "--name", "obfs", "--transport", "obfs", "--port", OBFS_PORT,
                "--pool", "198.18.1.0/24", "--password-file", password.toString());
        assertTrue(obfsTunnel.ok(), "a second tunnel of the running server, on the plugin: " + obfsTunnel.output());

        boolean wireChecked = countWireBytes();
        // the client's plugin is in its deploy/ before it starts: the command waits for it at boot
        client.deploy(plugin);
        Namespaces.Result connected = client.run("connect", SERVER + ":" + OBFS_PORT, "--transport", "obfs",
                "--password-file", password.toString(), "-d");
        assertTrue(connected.ok(), "connect over obfs: " + connected.output());
        detachedPids.add(Long.parseLong(Files.readString(client.runDir.resolve("netproxy.pid")).trim()));

        assertEquals(SERVER, whatIsMyIp("c1"), "the client leaves through the server");
        checkedTransfer("c1", 5_000_000);

        if (wireChecked) {
            // the control: a datagram that starts as netproxy's messages do is counted by the router's rules
            Namespaces.Result probe = Namespaces.inNamespace(ns("c2"), "bash", "-c",
                    "printf '\\x04\\x00\\x00\\x00control' > /dev/udp/" + SERVER + "/" + OBFS_PORT);
            assertTrue(probe.ok(), probe.output());
            String counters = Namespaces.inNamespace(ns("rtr"), "nft", "list", "table", "inet", WIRE_TABLE).output();
            long carried = counter(counters, "carried");
            long typed = counter(counters, "typed");
            System.out.printf("obfs on the wire: %d datagrams to and from port %s, %d of them with netproxy's type bytes (the control)%n",
                    carried, OBFS_PORT, typed);
            assertTrue(carried > 3000, "the download went over port " + OBFS_PORT + ": " + counters);
            assertEquals(1, typed, "only the control datagram shows netproxy's type bytes: " + counters);
        }

        // a new version of the jar under traffic: the server's tunnel moves to the updated bundle's transport, make
        // before break, while a download runs through it (paused for a while, so that it outlasts the update)
        Process download = startCheckedTransfer("c1", 30_000_000, 8);
        Thread.sleep(500);
        server.deploy(plugin);
        Namespaces.waitFor(() -> Files.readString(server.foregroundLog())
                .contains("tunnel obfs: now on transport obfs"), 30, "the tunnel to move to the updated bundle's transport");
        assertTrue(download.isAlive(), "the download still ran when the tunnel moved");
        finishCheckedTransfer(download, 30_000_000);
        Files.readString(server.foregroundLog()).lines().filter(line -> line.contains("tunnel obfs: "))
                .forEach(line -> System.out.println("server: " + line));

        assertTrue(client.run("disconnect").ok());
        assertTrue(server.run("disconnect", "obfs").ok());
        server.undeploy(plugin);
        Namespaces.waitFor(() -> !server.bundles().contains(PLUGIN), 30, "the plugin to be uninstalled with its jar");

        // the other way in: the Gogo shell of the running instance
        Matcher installed = Pattern.compile("Bundle ID: (\\d+)").matcher(server.shell("felix:install " + plugin.toUri()));
        assertTrue(installed.find(), "felix:install names the new bundle's id");
        server.shell("felix:start " + installed.group(1));
        assertTrue(server.bundles().lines().anyMatch(line -> line.contains("|Active") && line.contains("|" + PLUGIN + " ")),
                "installed and started from the shell");
        server.shell("felix:uninstall " + installed.group(1));
        assertFalse(server.bundles().contains(PLUGIN), "uninstalled from the shell");
    }

    /**
     * Counts, on the router, the UDP datagrams to and from the plugin's port and those whose first four bytes are a
     * netproxy message header (type 1 to 4, three zero bytes); false where nft is missing.
     */
    private boolean countWireBytes() throws Exception {
        if (!Prerequisites.onPath("nft")) {
            System.out.println("nft is not installed: the wire bytes are not checked here (the plugin's own ObfsWireTest checks them)");
            return false;
        }
        StringBuilder rules = new StringBuilder("table inet " + WIRE_TABLE + " {\n"
                + " counter carried {}\n counter typed {}\n"
                + " chain forward {\n  type filter hook forward priority 0; policy accept;\n");
        for (String port : List.of("udp dport " + OBFS_PORT, "udp sport " + OBFS_PORT)) {
            rules.append("  ").append(port).append(" counter name carried\n");
            for (int type = 1; type <= 4; type++) {
                rules.append("  ").append(port).append(" @th,64,32 0x0").append(type).append("000000 counter name typed\n");
            }
        }
        rules.append(" }\n}\n");
        Path file = work.resolve("wire.nft");
        Files.writeString(file, rules);
        Namespaces.Result added = Namespaces.inNamespace(ns("rtr"), "nft", "-f", file.toString());
        assertTrue(added.ok(), added.output());
        return true;
    }

    private static long counter(String table, String name) {
        Matcher m = Pattern.compile("counter " + name + " \\{\\s*packets (\\d+)").matcher(table);
        assertTrue(m.find(), "counter " + name + " in " + table);
        return Long.parseLong(m.group(1));
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private String ns(String host) {
        return prefix + "-" + host;
    }

    /** A copy of the distribution of its own (its own etc/ and deploy/), with run and state directories, in one namespace. */
    private final class Installation {
        final String namespace;
        final Path home;
        final Path runDir;
        final Path stateDir;

        Installation(String host, Path dir) {
            this.namespace = ns(host);
            this.home = dir.resolve("netproxy");
            this.runDir = dir.resolve("run");
            this.stateDir = dir.resolve("state");
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

        /** Where an instance started in the foreground writes its console, log lines included. */
        Path foregroundLog() {
            return runDir.getParent().resolve("foreground.log");
        }

        void startForeground(String... args) throws Exception {
            Path log = foregroundLog();
            ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env());
            Process process = builder.start();
            foreground.add(process);
            Namespaces.waitFor(() -> Files.readString(log).contains("serving tunnel") || !process.isAlive(), 60, "server start");
            assertTrue(process.isAlive(), "server exited: " + Files.readString(log));
        }

        /** The instance's bundles by symbolic name, from {@code felix:lb -s} in its Gogo shell. */
        String bundles() throws Exception {
            return shell("felix:lb -s");
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

        /** Copies the jar in under a name FileInstall ignores, then renames it, so it never sees half a jar. */
        void deploy(Path jar) throws IOException {
            Path partial = home.resolve("deploy").resolve(jar.getFileName() + ".part");
            Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, home.resolve("deploy").resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }

        void undeploy(Path jar) throws IOException {
            Files.delete(home.resolve("deploy").resolve(jar.getFileName()));
        }
    }

    /** A copy of the built distribution with the obfuscating transport's configuration in its etc/. */
    private Installation install(String host, Path key) throws Exception {
        Path dir = Files.createDirectories(work.resolve("installation-" + host));
        Installation installation = new Installation(host, dir);
        Namespaces.Result copied = Namespaces.run(List.of("cp", "-a", Prerequisites.distribution().toString(), installation.home.toString()));
        assertTrue(copied.ok(), copied.output());
        Files.writeString(installation.home.resolve("etc/io.netproxy.transport.obfs.cfg"), "keyFile = " + key + "\n");
        return installation;
    }

    private Path secret(String name, String content) throws IOException {
        Path file = work.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content + "\n");
        return file;
    }

    private String whatIsMyIp(String host) throws Exception {
        Namespaces.Result result = Namespaces.inNamespace(ns(host), "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; tail -n 1 <&3");
        assertTrue(result.ok(), "what-is-my-IP from " + host + ": " + result.output());
        return result.output().trim();
    }

    /** Downloads bytes of a known pattern from the internet host and compares their SHA-256. */
    private void checkedTransfer(String host, int size) throws Exception {
        finishCheckedTransfer(startCheckedTransfer(host, size, 0), size);
    }

    /** Starts a download whose reader pauses for {@code pauseSeconds} after the first 5 MB (TCP holds the rest back). */
    private Process startCheckedTransfer(String host, int size, int pauseSeconds) throws IOException {
        String pause = pauseSeconds == 0 ? "" : " | { head -c 5000000; sleep " + pauseSeconds + "; cat; }";
        return new ProcessBuilder("ip", "netns", "exec", ns(host), "timeout", "90", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080; printf 'GET /bytes/" + size + " HTTP/1.0\\r\\n\\r\\n' >&3;"
                        + " sed '1,/^\\r$/d' <&3" + pause + " | sha256sum")
                .redirectErrorStream(true).start();
    }

    private static void finishCheckedTransfer(Process download, int size) throws Exception {
        String output = new String(download.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(download.waitFor(90, TimeUnit.SECONDS) && download.exitValue() == 0, "download: " + output);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[8192];
        for (long sent = 0; sent < size; ) {
            int n = (int) Math.min(chunk.length, size - sent);
            for (int i = 0; i < n; i++) chunk[i] = (byte) ((sent + i) * 31 % 251);
            sha.update(chunk, 0, n);
            sent += n;
        }
        assertEquals(HexFormat.of().formatHex(sha.digest()), output.split("\\s+")[0], "bytes through the tunnel");
    }
}
