package io.netproxy.netconf.iptables;

import io.netproxy.api.NetworkConfigurator;
import io.netproxy.host.CommandRunner;
import io.netproxy.netconf.support.NamespaceJournals;
import io.netproxy.netconf.support.SystemTools;
import io.netproxy.testkit.NetworkConfiguratorContract;
import java.nio.file.Path;

/** The contract every network configurator keeps, in a network namespace of the kit's own. */
class IptablesConfiguratorContractTest extends NetworkConfiguratorContract {
    /** As the component makes itself, on the state directory given (the kit runs it inside its namespace). */
    @Override
    protected NetworkConfigurator newConfigurator(Path stateDirectory) throws Exception {
        return new IptablesNetworkConfigurator(new SystemTools(CommandRunner.onHost()),
                NamespaceJournals.inStateDirectory(stateDirectory.toString()));
    }
}
