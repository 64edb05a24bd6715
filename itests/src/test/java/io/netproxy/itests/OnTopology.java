package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class on a {@link Topology} of its own, built before its first test (root and /dev/net/tun required) and
 * removed after its last. After each test the installations it made are stopped and the checked namespaces must be
 * as the test found them; JUnit runs the {@code @AfterEach} methods of a subclass before that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OnTopology {
    @TempDir
    static Path work;
    protected Topology topology;
    private final char kind;
    private Map<String, String> before;
    private final List<Installation> installations = new ArrayList<>();
    private int directories;

    /** @param kind the letter of the test class in its namespaces' names, see {@link Namespaces#prefix} */
    OnTopology(char kind) {
        this.kind = kind;
    }

    @BeforeAll
    void topologyUp() throws Exception {
        Prerequisites.requireIsolatedRoot();
        topology = Topology.up(kind, work);
    }

    @AfterAll
    void topologyDown() throws Exception {
        if (topology != null) topology.close();
    }

    @BeforeEach
    void snapshotNamespaces() throws Exception {
        before = Namespaces.snapshots(topology.prefix);
    }

    /** A copy of the distribution of its own in the namespace of {@code host}, stopped after the test. */
    Installation installation(String host) throws Exception {
        return stoppedAfterTest(Installation.in(topology.ns(host), directory(host)));
    }

    /** The built distribution itself with directories of its own, in {@code host}'s namespace; stopped after the test. */
    Installation sharedInstallation(String host) throws IOException {
        return stoppedAfterTest(Installation.shared(topology.ns(host), directory(host)));
    }

    private Path directory(String host) {
        return work.resolve(host + "-" + (++directories));
    }

    Installation stoppedAfterTest(Installation installation) {
        installations.add(installation);
        return installation;
    }

    /** A new key pair whose private key goes to {@code name} in the work directory (mode 0600); its public key. */
    String genkey(String name) throws Exception {
        Path netproxy = Prerequisites.distribution().resolve("bin/netproxy");
        Namespaces.Result result = Namespaces.run(List.of(netproxy.toString(), "genkey", work.resolve(name).toString()));
        assertTrue(result.ok(), result.output());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve(name))));
        return result.output().lines().reduce((a, b) -> b).orElseThrow().trim();
    }

    @AfterEach
    void namespacesAreAsFound() throws Exception {
        // newest first: clients before the servers they were started against
        for (int i = installations.size() - 1; i >= 0; i--) installations.get(i).stop();
        installations.clear();
        Namespaces.assertUnchanged(before, topology.prefix);
    }
}
