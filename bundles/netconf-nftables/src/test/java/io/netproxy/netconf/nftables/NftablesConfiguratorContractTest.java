package io.netproxy.netconf.nftables;

import io.netproxy.api.NetworkConfigurator;
import io.netproxy.host.CommandRunner;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.netconf.support.testing.TestNetwork;
import io.netproxy.testkit.NetworkConfiguratorContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The contract every network configurator keeps, in a network namespace of the kit's own. */
class NftablesConfiguratorContractTest extends NetworkConfiguratorContract {
    /** nftables is optional (iptables is then the default), so its absence skips, also under CI=true. */
    @BeforeAll
    static void requireNft() {
        Assumptions.assumeTrue(TestNetwork.hasNft(), "nft is not installed (apt-get install nftables)");
    }

    /** As the component makes itself, on the state directory given (the kit runs it inside its namespace). */
    @Override
    protected NetworkConfigurator newConfigurator(Path stateDirectory) throws Exception {
        return new NftablesNetworkConfigurator(new SystemTools(CommandRunner.onHost()),
                NamespaceJournals.inStateDirectory(stateDirectory.toString()));
    }
}
