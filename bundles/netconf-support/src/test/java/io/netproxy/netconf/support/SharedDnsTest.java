package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.host.CommandRunner;
import io.netproxy.host.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holder bookkeeping of the namespace's DNS and the method it picks, against a resolver file, a mount table and
 * resolver tools in a temporary directory (the fake tools log their arguments).
 */
class SharedDnsTest {
    private static final NetworkNamespace HOST = new NetworkNamespace(4026531840L, null, true);
    private static final NetworkNamespace NAMED = new NetworkNamespace(4026532301L, "blue", false);
    private static final byte[] ORIGINAL = "nameserver 192.0.2.1\n".getBytes(UTF_8);
    private static final SharedDns.Holding NP0 = new SharedDns.Holding("np0", true,
            List.of(DnsServer.parse("203.0.113.63", "DNS server"), DnsServer.parse("203.0.113.64", "DNS server")), List.of());
    private static final SharedDns.Holding SEARCHING = new SharedDns.Holding("np1", false,
            List.of(DnsServer.parse("203.0.113.63", "DNS server")), List.of("corp.example", "lab.corp.example"));

    @TempDir
    Path tempDir;

    private Path bin;
    private Path resolvConf;
    private Path resolvedRuntime;
    private Path mountInfo;
    private Path toolLog;
    private JournalDirectory journals;

    @BeforeEach
    void files() throws IOException {
        bin = Files.createDirectories(tempDir.resolve("bin"));
        resolvConf = tempDir.resolve("resolv.conf");
        Files.write(resolvConf, ORIGINAL);
        resolvedRuntime = tempDir.resolve("resolve");
        mountInfo = tempDir.resolve("mountinfo");
        Files.writeString(mountInfo, "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
        toolLog = tempDir.resolve("tools.log");
        journals = new JournalDirectory(tempDir.resolve("netconf"), "the test namespace");
    }

    private void fakeTool(String name) throws IOException {
        Path tool = bin.resolve(name);
        Files.writeString(tool, "#!/bin/sh\necho \"" + name + " $*\" >> '" + toolLog + "'\ncat >> '" + toolLog + "'\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    }

    private SharedDns dns(NetworkNamespace namespace) {
        SystemTools tools = new SystemTools(new CommandRunner(List.of(), Duration.ofSeconds(10)), List.of(bin));
        return new SharedDns(journals, tools, new NamespaceResolver(tools, namespace, () -> namespace, resolvConf, resolvedRuntime,
                mountInfo));
    }

    private boolean live(String holder) {
        return false;
    }

    @Test
    void withoutResolverServicesTheFileIsReplacedAndOnlyTheLastHolderPutsItBack() throws IOException {
        SharedDns dns = dns(HOST);
        String done = dns.hold("t.nftables", NP0);
        assertTrue(done.contains("203.0.113.63, 203.0.113.64 in " + resolvConf), done);
        String written = "# written by netproxy for the tunnel on np0; put back as it was when the tunnel stops\n"
                + "nameserver 203.0.113.63\nnameserver 203.0.113.64\n";
        assertEquals(written, Files.readString(resolvConf));

        // a hand-over to the other configurator: both hold, the first to let go leaves the servers in place
        assertTrue(dns.hold("t.iptables", NP0).endsWith("shared with t.nftables"));
        assertEquals(List.of(), dns.release("t.nftables"));
        assertEquals(written, Files.readString(resolvConf));

        assertEquals(1, dns.release("t.iptables").size());
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
        assertFalse(Files.exists(dns.stateFile()));
        assertEquals(List.of(), dns.release("t.iptables"), "a second release does nothing");
    }

    @Test
    void recoveryPutsBackWhatACrashedHolderLeft() throws IOException {
        dns(HOST).hold("t.nftables", NP0);
        // a new process: all it has is the state file
        SharedDns later = dns(HOST);
        assertEquals(List.of(), later.recover(holder -> true), "a live holder keeps it");
        List<String> reverted = later.recover(this::live);
        assertEquals(1, reverted.size(), reverted.toString());
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
        assertEquals(List.of(), later.recover(this::live), "nothing left to do");
    }

    @Test
    void aNamespaceWritesItsOwnMountedFileInPlaceAndNeverTheHostsFile() throws IOException {
        SharedDns dns = dns(NAMED);
        IOException refused = assertThrows(IOException.class, () -> dns.hold("t.nftables", NP0));
        assertTrue(refused.getMessage().contains("/etc/netns/blue/resolv.conf"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--no-dns"), refused.getMessage());
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf), "untouched");
        assertFalse(Files.exists(dns.stateFile()), "nothing held");

        // a mount that is not this namespace's (a container's resolver file, which all its namespaces share)
        Files.writeString(mountInfo, "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
                + "40 22 8:1 /containers/x/resolv.conf " + resolvConf + " rw - ext4 /dev/sda1 rw\n");
        assertThrows(IOException.class, () -> dns(NAMED).hold("t.nftables", NP0));
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf), "untouched");

        // what 'ip netns exec blue' does: a mount on the resolver file (a space in the path, escaped by the kernel)
        Path spaced = Files.createDirectories(tempDir.resolve("net ns")).resolve("resolv.conf");
        Files.write(spaced, ORIGINAL);
        resolvConf = spaced;
        Files.writeString(mountInfo, "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
                + "40 22 8:1 /etc/netns/blue/resolv.conf " + spaced.toString().replace(" ", "\\040") + " rw - ext4 /dev/sda1 rw\n");
        Object inode = Files.getAttribute(spaced, "unix:ino");
        SharedDns own = dns(NAMED);
        own.hold("t.nftables", NP0);
        assertTrue(Files.readString(spaced).contains("nameserver 203.0.113.63\n"));
        assertEquals("file-in-place", own.state().orElseThrow().method().word());
        own.release("t.nftables");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(spaced));
        assertEquals(inode, Files.getAttribute(spaced, "unix:ino"));
        assertArrayEquals(ORIGINAL, Files.readAllBytes(tempDir.resolve("resolv.conf")), "the host's file untouched");
    }

    @Test
    void aProcessOutsideTheNamespaceNeverWritesItsOwnResolverFile() throws IOException {
        SystemTools tools = new SystemTools(new CommandRunner(List.of(), Duration.ofSeconds(10)), List.of(bin));
        // a configurator that runs the namespace's commands through 'ip netns exec' from the host's namespace
        SharedDns dns = new SharedDns(journals, tools,
                new NamespaceResolver(tools, NAMED, () -> HOST, resolvConf, resolvedRuntime, mountInfo));
        IOException refused = assertThrows(IOException.class, () -> dns.hold("t.nftables", NP0));
        assertTrue(refused.getMessage().contains("this process runs in the initial network namespace"), refused.getMessage());
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf), "untouched");

        // nor does it put back a file that the namespace's own crashed instance wrote: the state waits for one inside
        Files.writeString(mountInfo, "40 22 8:1 /etc/netns/blue/resolv.conf " + resolvConf + " rw - ext4 /dev/sda1 rw\n");
        dns(NAMED).hold("t.nftables", NP0);
        byte[] written = Files.readAllBytes(resolvConf);
        assertThrows(IOException.class, () -> dns.recover(this::live));
        assertArrayEquals(written, Files.readAllBytes(resolvConf));
        assertEquals(1, dns(NAMED).recover(this::live).size(), "put back from inside");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
    }

    @Test
    void aContainersMountedResolverFileIsWrittenInPlace() throws IOException {
        Files.writeString(mountInfo, "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
                + "40 22 8:1 /containers/x/resolv.conf " + resolvConf + " rw - ext4 /dev/sda1 rw\n");
        SharedDns dns = dns(HOST);
        dns.hold("t.nftables", NP0);
        assertEquals("file-in-place", dns.state().orElseThrow().method().word());
        dns.release("t.nftables");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
    }

    @Test
    void systemdResolvedGetsTheLinksServersAndEveryNameInAFullTunnel() throws IOException {
        fakeTool("resolvectl");
        fakeTool("resolvconf");
        Files.createDirectories(resolvedRuntime);
        SharedDns dns = dns(HOST);
        dns.hold("t.nftables", NP0);
        dns.hold("t.iptables", NP0);
        dns.release("t.nftables");
        dns.release("t.iptables");
        assertEquals("""
                resolvectl dns np0 203.0.113.63 203.0.113.64
                resolvectl domain np0 ~.
                resolvectl dns np0 203.0.113.63 203.0.113.64
                resolvectl domain np0 ~.
                resolvectl revert np0
                """, Files.readString(toolLog), "reverted once, when the last holder let go");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
    }

    @Test
    void resolvconfGetsARecordOfNetproxysOwn() throws IOException {
        fakeTool("resolvconf");
        SharedDns dns = dns(HOST);
        dns.hold("t.nftables", new SharedDns.Holding("np0", false, List.of(DnsServer.parse("203.0.113.63", "DNS server")),
                List.of()));
        dns.release("t.nftables");
        assertEquals("""
                resolvconf -a tun.netproxy-np0
                # written by netproxy for the tunnel on np0; put back as it was when the tunnel stops
                nameserver 203.0.113.63
                resolvconf -d tun.netproxy-np0 -f
                """, Files.readString(toolLog));
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
    }

    @Test
    void ipv6ServersGoWhereIpv4OnesGoAndReadBackFromTheStateFile() throws IOException {
        SharedDns.Holding dualStack = new SharedDns.Holding("np0", true, List.of(DnsServer.parse("203.0.113.63", "DNS server"),
                DnsServer.parse("2001:DB8:0:0::53", "DNS server")), List.of());
        SharedDns dns = dns(HOST);
        dns.hold("t.nftables", dualStack);
        assertEquals("# written by netproxy for the tunnel on np0; put back as it was when the tunnel stops\n"
                + "nameserver 203.0.113.63\nnameserver 2001:db8::53\n", Files.readString(resolvConf));
        assertEquals(dualStack, dns.state().orElseThrow().holders().get("t.nftables"), "as the state file records it");
        dns.release("t.nftables");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));

        fakeTool("resolvectl");
        Files.createDirectories(resolvedRuntime);
        dns.hold("t.nftables", dualStack);
        dns.release("t.nftables");
        assertTrue(Files.readString(toolLog).startsWith("resolvectl dns np0 203.0.113.63 2001:db8::53\n"),
                Files.readString(toolLog));
    }

    @Test
    void aDnsServerIsAnIpv4OrIpv6LiteralNeverAName() {
        assertEquals("2001:db8::53", DnsServer.parse("2001:db8:0::53", "DNS server").toString());
        assertEquals("192.0.2.53", DnsServer.parse("192.0.2.53", "DNS server").toString());
        for (String bad : List.of("dns.example", "192.0.2.053", "2001:db8::/64", "2001:db8::53%eth0", "::ffff:192.0.2.53x", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsServer.parse(bad, "DNS server"));
            assertTrue(e.getMessage().startsWith("DNS server '" + bad + "' is neither an IPv4 address"), e.getMessage());
        }
    }

    @Test
    void theStateFileReadsBackAsWritten() throws IOException {
        SharedDns.State state = new SharedDns.State(DnsMethod.FILE, ResolvConfOriginal.symlink("../run/x y"),
                java.util.Map.of("t.nftables", NP0));
        SharedDns.State read = SharedDns.parse(SharedDns.render(state));
        assertEquals(state.holders(), read.holders());
        assertEquals("../run/x y", read.original().linkTarget());
        assertThrows(IOException.class, () -> SharedDns.parse("method file\nholder t.nftables np0 everything 1.2.3\n"));
    }

    @Test
    void searchDomainsGoWithTheServersInEachMethodAndReadBackFromTheStateFile() throws IOException {
        SharedDns dns = dns(HOST);
        String done = dns.hold("t.nftables", NP0);
        dns.hold("t.iptables", SEARCHING);
        assertFalse(done.contains("searching"), done);
        assertEquals("# written by netproxy for the tunnel on np0, np1; put back as it was when the tunnel stops\n"
                + "nameserver 203.0.113.63\nnameserver 203.0.113.64\nsearch corp.example lab.corp.example\n",
                Files.readString(resolvConf));
        assertEquals(SEARCHING, dns.state().orElseThrow().holders().get("t.iptables"), "as the state file records it");
        dns.release("t.iptables");
        assertFalse(Files.readString(resolvConf).contains("search"), "gone with its holder");
        dns.release("t.nftables");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));

        fakeTool("resolvconf");
        assertTrue(dns.hold("t.nftables", SEARCHING).contains("203.0.113.63 searching corp.example lab.corp.example in"));
        dns.release("t.nftables");
        fakeTool("resolvectl");
        Files.createDirectories(resolvedRuntime);
        dns.hold("t.nftables", SEARCHING);
        dns.release("t.nftables");
        dns.hold("t.nftables", new SharedDns.Holding("np0", true, NP0.servers(), List.of("corp.example")));
        dns.release("t.nftables");
        assertEquals("""
                resolvconf -a tun.netproxy-np1
                # written by netproxy for the tunnel on np1; put back as it was when the tunnel stops
                nameserver 203.0.113.63
                search corp.example lab.corp.example
                resolvconf -d tun.netproxy-np1 -f
                resolvectl dns np1 203.0.113.63
                resolvectl domain np1 corp.example lab.corp.example
                resolvectl revert np1
                resolvectl dns np0 203.0.113.63 203.0.113.64
                resolvectl domain np0 corp.example ~.
                resolvectl revert np0
                """, Files.readString(toolLog));
    }

    @Test
    void aStateFileOfAnOlderVersionOrWithABadSearchDomainReadsAsSuch() throws IOException {
        SharedDns.State old = SharedDns.parse("method file\noriginal absent\nholder t.nftables np0 everything 203.0.113.63\n");
        assertEquals(List.of(), old.holders().get("t.nftables").search(), "written before search domains existed");
        for (String bad : List.of("corp..example", "-corp.example", "corp.example,corp.example", "corp.example,CORP.example",
                "corp_example", "corp.example,")) {
            assertThrows(IOException.class, () -> SharedDns.parse(
                    "method file\noriginal absent\nholder t.nftables np0 everything 203.0.113.63 " + bad + "\n"), bad);
        }
    }

    @Test
    void severalTunnelsSearchDomainsShareOneSearchLineOfSixAtMost() throws IOException {
        SharedDns dns = dns(HOST);
        dns.hold("a.nftables", new SharedDns.Holding("np0", true, NP0.servers(), List.of("a.example", "b.example",
                "c.example", "d.example")));
        dns.hold("b.nftables", new SharedDns.Holding("np1", false, NP0.servers(), List.of("B.Example", "e.example",
                "f.example", "g.example")));
        assertTrue(Files.readString(resolvConf).contains(
                "\nsearch a.example b.example c.example d.example e.example f.example\n"), Files.readString(resolvConf));
        dns.release("a.nftables");
        assertTrue(Files.readString(resolvConf).contains("\nsearch B.Example e.example f.example g.example\n"),
                Files.readString(resolvConf));
        dns.release("b.nftables");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf));
    }
}
