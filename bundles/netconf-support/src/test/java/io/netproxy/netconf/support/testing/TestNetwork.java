package io.netproxy.netconf.support.testing;

import io.netproxy.host.CommandRunner;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Two network namespaces of the test's own, joined by a veth pair: the host under test, with a default route
 * through the other one, a stand-in TUN device and a few firewall rules of "the user". Nothing here runs a
 * command that changes the namespace of the machine itself.
 */
public final class TestNetwork implements AutoCloseable {
    public static final String UPLINK = "up0";
    public static final String TUN = "nptun0";
    public static final String OWN_ADDRESS = "192.0.2.2";
    public static final String GATEWAY = "192.0.2.1";
    /** The tables iptables-nft manages; iptables-save shows them already. */
    private static final String IPTABLES_TABLE = "table ip6? (filter|nat|mangle|raw|security)";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public final String namespace;
    private final String gatewayNamespace;
    private final List<String> created = new ArrayList<>();

    private TestNetwork(String namespace) {
        this.namespace = namespace;
        this.gatewayNamespace = namespace + "-gw";
    }

    /** Skips (or fails under CI=true) when root, a tool or namespaces are missing. */
    public static TestNetwork create() throws IOException {
        requireOrSkip(isRoot(), "needs root to create network namespaces and change firewall rules in them");
        for (String tool : List.of("ip", "iptables", "iptables-save", "iptables-restore", "sysctl")) {
            requireOrSkip(onPath(tool), tool + " is not installed (apt-get install iproute2 iptables procps)");
        }
        TestNetwork network = new TestNetwork("np-nctest-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        try {
            network.build();
            return network;
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private void build() throws IOException {
        addNamespace(namespace);
        addNamespace(gatewayNamespace);
        host("ip", "-n", namespace, "link", "add", UPLINK, "type", "veth", "peer", "name", "up1", "netns", gatewayNamespace);
        host("ip", "-n", namespace, "link", "set", "lo", "up");
        host("ip", "-n", namespace, "link", "set", UPLINK, "up");
        host("ip", "-n", namespace, "addr", "add", OWN_ADDRESS + "/24", "dev", UPLINK);
        host("ip", "-n", gatewayNamespace, "link", "set", "up1", "up");
        host("ip", "-n", gatewayNamespace, "addr", "add", GATEWAY + "/24", "dev", "up1");
        host("ip", "-n", namespace, "route", "add", "default", "via", GATEWAY);
        host("ip", "-n", namespace, "tuntap", "add", "dev", TUN, "mode", "tun");
        host("ip", "-n", namespace, "link", "set", TUN, "up");
        // Rules of "the user", which must survive untouched (and make iptables-nft create the tables up front).
        inside("iptables", "-A", "FORWARD", "-s", "203.0.113.0/24", "-j", "DROP");
        inside("iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "203.0.113.0/24", "-j", "RETURN");
        inside("iptables", "-t", "mangle", "-A", "FORWARD", "-s", "203.0.113.0/24", "-j", "RETURN");
    }

    private void addNamespace(String name) throws IOException {
        host("ip", "netns", "add", name);
        created.add(name);
    }

    /** Runs the configurator's commands inside the namespace under test. */
    public CommandRunner runner() {
        return new CommandRunner(List.of("ip", "netns", "exec", namespace), TIMEOUT);
    }

    public String inside(String... command) throws IOException {
        return runner().run(List.of(command), "");
    }

    /**
     * Firewall rules (iptables' tables, and every other nftables table when nft is installed), routes (all
     * tables) and forwarding, without counters and timestamps.
     */
    public String snapshot() throws IOException {
        String rules = inside("iptables-save").lines()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.replaceAll("\\[\\d+:\\d+]", "[0:0]"))
                .reduce("", (text, line) -> text + line + "\n");
        return rules + nftTables() + inside("ip", "-4", "route", "show", "table", "all")
                + "ip_forward=" + inside("sysctl", "-n", "net.ipv4.ip_forward");
    }

    /** The nftables tables other than iptables-nft's, in full. */
    public String nftTables() throws IOException {
        if (!hasNft()) return "";
        StringBuilder tables = new StringBuilder();
        for (String table : inside("nft", "list", "tables").lines().sorted().toList()) {
            if (table.matches(IPTABLES_TABLE)) continue;
            List<String> command = new ArrayList<>(List.of("nft", "list"));
            command.addAll(List.of(table.split(" ")));
            tables.append(runner().run(command, "").replaceAll("counter packets \\d+ bytes \\d+", "counter"));
        }
        return tables.toString();
    }

    public static boolean hasNft() {
        return onPath("nft");
    }

    @Override
    public void close() {
        for (String name : created) {
            try {
                host("ip", "netns", "del", name);
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    private static String host(String... command) throws IOException {
        return new CommandRunner(List.of(), TIMEOUT).run(List.of(command), "");
    }

    public static void requireOrSkip(boolean condition, String reason) {
        if (condition) return;
        if ("true".equals(System.getenv("CI"))) fail(reason + " (CI=true, so this is a failure, not a skip)");
        Assumptions.abort(reason);
    }

    private static boolean isRoot() {
        return io.netproxy.host.Root.isRoot();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String directory : path.split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) return true;
        }
        return false;
    }
}
