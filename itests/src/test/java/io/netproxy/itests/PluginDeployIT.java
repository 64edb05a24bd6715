package io.netproxy.itests;

import static io.netproxy.itests.Topology.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example plugin (examples/transport-obfs), built from its own pom, deployed the way a user would: copied into
 * the deploy/ folder of a running server instance, and of a client instance, each an installation of its own with
 * the same obfuscation key named in its etc/. A tunnel on the plugin's transport carries a checked download; the
 * router sees none of netproxy's type bytes on the wire; a new version of the jar is taken over under traffic;
 * removing the jar uninstalls the plugin; the Gogo shell installs and uninstalls it too. Every namespace is left as
 * found.
 */
class PluginDeployIT extends OnTopology {
    private static final String OBFS_PORT = "7000";
    private static final String PLUGIN = "io.netproxy.examples.transport-obfs";
    /** The router's table of counters, a table of the test's own. */
    private static final String WIRE_TABLE = "netproxy_wire_test";

    private Path plugin;

    PluginDeployIT() {
        super('p');
    }

    @BeforeAll
    void findPlugin() {
        plugin = Path.of(System.getProperty("netproxy.example.obfs", "../examples/transport-obfs/target/missing.jar"));
        assertTrue(Files.isRegularFile(plugin), "the example plugin is not built at " + plugin + "; run 'mvn -B verify' from the top");
    }

    @AfterEach
    void removeWireCounters() throws Exception {
        Namespaces.inNamespace(ns("rtr"), "nft", "delete", "table", "inet", WIRE_TABLE);
    }

    @Test
    void aPluginDroppedIntoDeployCarriesATunnelLiveAndLeavesWithItsJar() throws Exception {
        Path key = topology.secret("obfs.key", HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
        Path password = topology.secret("password", "plugin deploy password");
        Installation server = install("srv", key);
        Installation client = install("c1", key);

        Path deployConfig = server.home.resolve("etc/org.apache.felix.fileinstall-deploy.cfg");
        java.nio.file.attribute.FileTime configWritten = Files.getLastModifiedTime(deployConfig);

        // a running server, on the built-in UDP transport
        server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24", "--transport", "udp");
        assertFalse(server.bundles().contains(PLUGIN), "the plugin is not there before it is deployed");

        server.deploy(plugin);
        Namespaces.waitFor(() -> server.bundles().lines().anyMatch(line -> line.contains("|Active") && line.contains("|" + PLUGIN + " ")),
                30, "the plugin to be installed and started from deploy/",
                () -> "its bundles:\n" + server.bundles() + "\nits log:\n" + server.log());
        assertEquals(configWritten, Files.getLastModifiedTime(deployConfig), "the files of etc/ are read, never written back");
        Namespaces.Result obfsTunnel = server.run("serve", "--name", "obfs", "--transport", "obfs", "--port", OBFS_PORT,
                "--pool", "198.18.1.0/24", "--password-file", password.toString());
        assertTrue(obfsTunnel.ok(), "a second tunnel of the running server, on the plugin: " + obfsTunnel.output());

        boolean wireChecked = countWireBytes();
        // the client's plugin is in its deploy/ before it starts: the command waits for it at boot
        client.deploy(plugin);
        Namespaces.Result connected = client.run("connect", SERVER + ":" + OBFS_PORT, "--transport", "obfs",
                "--password-file", password.toString(), "-d");
        assertTrue(connected.ok(), "connect over obfs: " + connected.output());

        assertEquals(SERVER, topology.whatIsMyIp("c1"), "the client leaves through the server");
        topology.checkedDownload("c1", 5_000_000);

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
        // before break, while a checked download runs through it
        try (CheckedStream download = topology.checkedStream("c1")) {
            download.awaitMore(5_000_000, 30, "before the update");
            server.deploy(plugin);
            Namespaces.waitFor(() -> Files.readString(server.foregroundLog())
                    .contains("tunnel obfs: now on transport obfs"), 30, "the tunnel to move to the updated bundle's transport");
            download.awaitMore(5_000_000, 30, "after the update");
        }
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

    @Test
    void aPluginThatCannotStartSaysWhyInTheLog() throws Exception {
        Path password = topology.secret("password", "plugin deploy password");
        Installation server = installation("srv");
        server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");

        Path broken = work.resolve("broken-plugin.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "org.example.broken-plugin");
        manifest.getMainAttributes().putValue("Import-Package", "org.example.nowhere");
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(broken), manifest)) {
            // a bundle needs nothing more than its manifest
        }
        server.deploy(broken);

        // FileInstall logs the failure to the OSGi log service, which the log bridge writes to the instance's log
        Namespaces.waitFor(() -> server.log().contains("missing requirement"), 30,
                "the log to say why the plugin does not start", () -> "its log:\n" + server.log());
        String why = server.log().lines().filter(line -> line.contains("org.apache.felix.fileinstall")).findFirst().orElseThrow();
        System.out.println("a plugin that cannot start: " + why);
        assertTrue(why.contains("broken-plugin.jar"), why);
        assertTrue(server.log().contains("org.example.nowhere"), server.log());
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
        return topology.ns(host);
    }

    /** A copy of the built distribution with the obfuscating transport's configuration in its etc/. */
    private Installation install(String host, Path key) throws Exception {
        Installation installation = installation(host);
        installation.configure("io.netproxy.transport.obfs.cfg", "keyFile = " + key + "\n");
        return installation;
    }
}
