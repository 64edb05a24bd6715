package io.netproxy.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands, inside a namespace or not, and the test network of scripts/netns-topology.sh. */
final class Namespaces {
    private Namespaces() {}

    record Result(int exitCode, String output) {
        boolean ok() { return exitCode == 0; }
    }

    /**
     * A prefix for the namespaces of one test class: {@code np}, a letter for the class and the run id the failsafe
     * JVM wrapper gave this run, which removes every namespace named so when the JVM ends, however it ends.
     */
    static String prefix(char kind) {
        String run = System.getenv("NETPROXY_TEST_RUN_ID");
        String id = run != null ? run : Long.toHexString(ProcessHandle.current().pid());
        String prefix = "np" + kind + id;
        if (!prefix.matches("[a-z0-9]{1,10}")) throw new IllegalStateException("unusable namespace prefix " + prefix);
        return prefix;
    }

    static Result run(Map<String, String> env, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = ("(output unreadable: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            reader.join(5000);
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command);
        }
        reader.join(5000);
        return new Result(process.exitValue(), new String(output[0] == null ? new byte[0] : output[0], StandardCharsets.UTF_8));
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(Map.of(), 60, command);
    }

    static Result inNamespace(String ns, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full);
    }

    static void topology(Path scripts, String action, String prefix) throws IOException, InterruptedException {
        Result result = run(List.of(scripts.resolve("netns-topology.sh").toString(), action, prefix));
        if (!result.ok()) throw new IOException("netns-topology.sh " + action + " " + prefix + ": " + result.output());
    }

    interface Check {
        boolean holds() throws Exception;
    }

    interface Description {
        String describe() throws Exception;
    }

    static void waitFor(Check check, int seconds, String what) throws Exception {
        waitFor(check, seconds, what, () -> "");
    }

    /** As {@link #waitFor(Check, int, String)}, and a timeout also says what {@code state} finds then. */
    static void waitFor(Check check, int seconds, String what, Description state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                String found = state.describe();
                throw new AssertionError("timed out waiting for " + what + (found.isEmpty() ? "" : "; " + found));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Skips a test of nftables where nft is not installed, also under CI=true: nftables is optional (the README's
     * package list has only iptables, which is then the default).
     */
    static void requireConfigurator(String netconf) {
        if (netconf.equals("nftables")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Prerequisites.onPath("nft"),
                    "nft is not installed (apt-get install nftables), so there is no nftables configurator to test");
        }
    }

    /** Whether a namespace has a server tunnel's rules of this configurator: its iptables chains or nftables table. */
    static boolean hasServerRules(String ns, String netconf) throws IOException, InterruptedException {
        return netconf.equals("iptables")
                ? inNamespace(ns, "iptables-save").output().contains(":NETPROXY-")
                : inNamespace(ns, "nft", "list", "tables").output().contains("table ip netproxy_");
    }

    /** The hosts of the topology whose state a test must leave as it found it. */
    static final List<String> CHECKED_HOSTS = List.of("c1", "c2", "srv");

    /** {@link #snapshot} of each checked host of the topology with this prefix. */
    static Map<String, String> snapshots(String prefix) throws IOException, InterruptedException {
        Map<String, String> snapshots = new java.util.TreeMap<>();
        for (String host : CHECKED_HOSTS) snapshots.put(host, snapshot(prefix + "-" + host));
        return snapshots;
    }

    /** Fails naming the first host whose state differs from {@code before}. */
    static void assertUnchanged(Map<String, String> before, String prefix) throws IOException, InterruptedException {
        for (String host : CHECKED_HOSTS) {
            org.junit.jupiter.api.Assertions.assertEquals(before.get(host), snapshot(prefix + "-" + host),
                    "namespace " + host + " changed");
        }
    }

    /** Ends a process politely (netproxy reverts its changes on SIGTERM), forcibly after 30 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }

    /** The tables iptables-nft manages, which iptables-save shows already. */
    private static final String IPTABLES_TABLE = "table ip6? (filter|nat|mangle|raw|security)";

    /** Every other nftables table of a namespace, in full without counters; nothing where nft is not installed. */
    static String nftTables(String ns) throws IOException, InterruptedException {
        if (!Prerequisites.onPath("nft")) return "";
        StringBuilder tables = new StringBuilder();
        for (String table : inNamespace(ns, "nft", "list", "tables").output().lines().sorted().toList()) {
            if (table.matches(IPTABLES_TABLE)) continue;
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, "nft", "list"));
            command.addAll(List.of(table.split(" ")));
            tables.append(run(command).output().replaceAll("counter packets \\d+ bytes \\d+", "counter"));
        }
        return tables.toString();
    }

    /** Routes (all tables), firewall rules (iptables', ip6tables' and nftables' tables, without counters and comments) and forwarding of a namespace. */
    static String snapshot(String ns) throws IOException, InterruptedException {
        StringBuilder state = new StringBuilder();
        // netns-topology.sh waits for IPv6 to settle on its links, so every route counts
        state.append(inNamespace(ns, "ip", "route", "show", "table", "all").output());
        // Rules and chains, by table. The first iptables-restore creates empty tables with ACCEPT policies that
        // stay after everything in them is removed; an empty table with default policies is no change.
        for (String save : List.of("iptables-save", "ip6tables-save")) {
            String table = "";
            for (String line : inNamespace(ns, save).output().split("\n")) {
                if (line.startsWith("*")) table = save + " " + line;
                boolean builtinAccept = line.startsWith(":") && line.matches(":\\S+ ACCEPT .*");
                if (line.startsWith("-") || line.startsWith(":") && !builtinAccept) {
                    state.append(table).append(' ').append(line.replaceAll("\\[\\d+:\\d+\\]", "")).append('\n');
                }
            }
        }
        state.append(nftTables(ns));
        state.append(inNamespace(ns, "sysctl", "net.ipv4.ip_forward").output());
        state.append(inNamespace(ns, "ip", "-o", "link", "show").output().replaceAll("link/ether \\S+", ""));
        return state.toString();
    }
}
