package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test network of scripts/netns-topology.sh for one test class (clients c1 and c2, a router, the VPN server
 * and an "internet" host), with the internet host's what-is-my-IP service, checked downloads and ping streams.
 */
final class Topology implements AutoCloseable {
    static final String SERVER = "198.51.100.10";
    static final String INTERNET = "203.0.113.10";
    /** The server's and the internet host's IPv6 addresses, once {@link #ipv6BehindTheServer} gave them. */
    static final String SERVER_IPV6 = "2001:db8:5e::10";
    static final String INTERNET_IPV6 = "2001:db8:ee::10";

    final String prefix;
    final Path scripts;
    final Path work;
    private final Process whatIsMyIp;
    private int secrets;

    private Topology(String prefix, Path scripts, Path work, Process whatIsMyIp) {
        this.prefix = prefix;
        this.scripts = scripts;
        this.work = work;
        this.whatIsMyIp = whatIsMyIp;
    }

    /** Builds the network with namespace names of {@link Namespaces#prefix} and starts the internet host's service. */
    static Topology up(char kind, Path work) throws Exception {
        String prefix = Namespaces.prefix(kind);
        Path scripts = Path.of(System.getProperty("netproxy.scripts", "../scripts"));
        Namespaces.topology(scripts, "up", prefix);
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = work.resolve("whatismyip.log");
        Process service = new ProcessBuilder("ip", "netns", "exec", prefix + "-net", java,
                scripts.resolve("WhatIsMyIp.java").toString(), "8080")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Topology topology = new Topology(prefix, scripts, work, service);
        try {
            Namespaces.waitFor(() -> Files.readString(log).contains("listening"), 60, "what-is-my-IP service");
        } catch (Exception | AssertionError e) {
            topology.close();
            throw e;
        }
        return topology;
    }

    String ns(String host) {
        return prefix + "-" + host;
    }

    /** A root-only file holding {@code content}, as a password file is; a new one at each call. */
    Path secret(String name, String content) throws IOException {
        Path file = work.resolve(name + "-" + (++secrets));
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content + "\n");
        return file;
    }

    /** What the internet host's service sees as the source address of a request from {@code host}. */
    String whatIsMyIp(String host) throws Exception {
        Namespaces.Result result = Namespaces.inNamespace(ns(host), "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; tail -n 1 <&3");
        assertTrue(result.ok(), "what-is-my-IP from " + host + ": " + result.output());
        return result.output().trim();
    }

    /** Starts a download of {@code size} bytes of a known pattern from the internet host; see {@link #check}. */
    private Process startDownload(String host, long size) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", ns(host), "timeout", "120", "bash", "-c",
                "exec 3<>/dev/tcp/" + INTERNET + "/8080; printf 'GET /bytes/" + size + " HTTP/1.0\\r\\n\\r\\n' >&3;"
                        + " sed '1,/^\\r$/d' <&3 | sha256sum")
                .redirectErrorStream(true).start();
    }

    /** Waits for a download and compares the SHA-256 of what arrived with that of the pattern: no byte lost. */
    private static void check(Process download, long size) throws Exception {
        String output = new String(download.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(download.waitFor(120, TimeUnit.SECONDS) && download.exitValue() == 0, "download: " + output);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[8192];
        for (long sent = 0; sent < size; ) {
            int n = (int) Math.min(chunk.length, size - sent);
            for (int i = 0; i < n; i++) chunk[i] = patternByte(sent + i);
            sha.update(chunk, 0, n);
            sent += n;
        }
        assertEquals(HexFormat.of().formatHex(sha.digest()), output.split("\\s+")[0], "bytes through the tunnel");
    }

    void checkedDownload(String host, long size) throws Exception {
        check(startDownload(host, size), size);
    }

    /** Byte {@code index} of what the internet host's service sends (scripts/WhatIsMyIp.java). */
    static byte patternByte(long index) {
        return (byte) (index * 31 % 251);
    }

    /** An endless download from the internet host through {@code host}'s tunnel, checked as it arrives. */
    CheckedStream checkedStream(String host) throws IOException {
        return new CheckedStream(ns(host), INTERNET);
    }

    /** Pings the internet host from {@code host} every {@code interval} seconds, with timestamps, until destroyed. */
    Process pingStream(String host, String interval, Path log) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", ns(host), "ping", "-D", "-i", interval, INTERNET)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The longest time between two ping replies, from {@code ping -D}'s {@code [epoch.micros]} stamps. */
    static long longestGapMillis(Path log) throws IOException {
        double previous = -1;
        double longest = 0;
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("[") || !line.contains("bytes from")) continue;
            double at = Double.parseDouble(line.substring(1, line.indexOf(']')));
            if (previous >= 0) longest = Math.max(longest, at - previous);
            previous = at;
        }
        return Math.round(longest * 1000);
    }

    /** Spoofed source addresses (benchmark range, disjoint from every test's tunnel pool); see {@link #sinkSpoofedSources}. */
    static final String SPOOFED = "198.19.0.0/16";

    /**
     * Lets a client send from spoofed addresses of {@link #SPOOFED} (CookieFloodIT's flood): the router blackholes
     * whatever goes back to them (no ICMP, no neighbour entries, nothing reaches anyone) and filters no reverse path,
     * which would drop those sources as routed to a blackhole. A new namespace inherits the host's IPv4 defaults
     * (Debian: rp_filter = 2) and the kernel takes the larger of "all" and the interface's value, so both go to 0.
     * The router's namespace only; the server needs nothing (its default route via the router passes any check).
     */
    void sinkSpoofedSources() throws Exception {
        for (String[] command : new String[][] {{"ip", "route", "add", "blackhole", SPOOFED},
                {"sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.c2.rp_filter=0"}}) {
            Namespaces.Result result = Namespaces.inNamespace(ns("rtr"), command);
            assertTrue(result.ok(), "router: " + String.join(" ", command) + ": " + result.output());
        }
    }

    /** Runs each command in the namespace of its host (the command's first word: c1, rtr, srv...), which must succeed. */
    void setUp(List<List<String>> commands) throws Exception {
        for (List<String> command : commands) {
            Namespaces.Result result = Namespaces.inNamespace(ns(command.get(0)),
                    command.subList(1, command.size()).toArray(String[]::new));
            assertTrue(result.ok(), command + ": " + result.output());
        }
    }

    /**
     * IPv6 between the server and the internet host only, routed by the router: what a server with {@code --pool6}
     * gives its clients, which have no IPv6 of their own. Before OnTopology's snapshots (a {@code @BeforeAll}).
     */
    void ipv6BehindTheServer() throws Exception {
        setUp(List.of(
                List.of("rtr", "ip", "addr", "add", "2001:db8:5e::1/64", "dev", "srv", "nodad"),
                List.of("rtr", "ip", "addr", "add", "2001:db8:ee::1/64", "dev", "net", "nodad"),
                List.of("rtr", "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"),
                List.of("srv", "ip", "addr", "add", SERVER_IPV6 + "/64", "dev", "eth0", "nodad"),
                List.of("srv", "ip", "-6", "route", "add", "default", "via", "2001:db8:5e::1"),
                List.of("net", "ip", "addr", "add", INTERNET_IPV6 + "/64", "dev", "eth0", "nodad"),
                List.of("net", "ip", "-6", "route", "add", "default", "via", "2001:db8:ee::1")));
    }

    /** Inserts ({@code -I}) or deletes ({@code -D}) a rule of the router's FORWARD chain. */
    void routerRule(String action, List<String> rule) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("iptables", action, "FORWARD"));
        command.addAll(rule);
        Namespaces.Result result = Namespaces.inNamespace(ns("rtr"), command.toArray(String[]::new));
        assertTrue(result.ok(), "router firewall: " + result.output());
    }

    @Override
    public void close() throws Exception {
        whatIsMyIp.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Namespaces.topology(scripts, "down", prefix);
    }
}
