package io.netproxy.netconf.iptables;

import io.netproxy.host.CommandRunner;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.host.NetworkNamespace;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by the crash test: applies a server and a client plan inside the given namespace, says
 * so, and waits to be killed with SIGKILL, leaving its journals behind.
 */
public final class CrashingApplier {
    private CrashingApplier() {
    }

    public static void main(String[] args) throws Exception {
        String namespace = args[0];
        Path netconfDirectory = Path.of(args[1]);
        NetworkConfigurator configurator = new IptablesNetworkConfigurator(
                new SystemTools(new CommandRunner(List.of("ip", "netns", "exec", namespace), CommandRunner.DEFAULT_TIMEOUT)),
                new NamespaceJournals(netconfDirectory, NetworkNamespace.named(namespace)));
        configurator.apply(NamespaceIntegrationTest.serverPlan("it-crash-server"));
        configurator.apply(NamespaceIntegrationTest.clientPlan("it-crash-client", "198.51.100.7", List.of("0.0.0.0/0")));
        System.out.println("APPLIED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
