package io.netproxy.netconf.nftables;

import io.netproxy.api.NetworkConfigurator;
import io.netproxy.host.CommandRunner;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.netconf.iptables.IptablesNetworkConfigurator;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by the crash test: inside the given namespace, applies a server plan with nftables, another
 * with iptables and a client plan with nftables, says so, and waits to be killed with SIGKILL, leaving its
 * journals behind.
 */
public final class CrashingApplier {
    private CrashingApplier() {
    }

    public static void main(String[] args) throws Exception {
        SystemTools tools = new SystemTools(new CommandRunner(List.of("ip", "netns", "exec", args[0]), CommandRunner.DEFAULT_TIMEOUT));
        NamespaceJournals journals = new NamespaceJournals(Path.of(args[1]), NetworkNamespace.named(args[0]));
        NetworkConfigurator nftables = new NftablesNetworkConfigurator(tools, journals);
        nftables.apply(NamespaceIntegrationTest.serverPlan("it-crash-server"));
        new IptablesNetworkConfigurator(tools, journals).apply(NamespaceIntegrationTest.serverPlan("it-crash-iptables"));
        nftables.apply(NamespaceIntegrationTest.clientPlan("it-crash-client", "198.51.100.7", List.of("0.0.0.0/0")));
        System.out.println("APPLIED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
