package io.netproxy.itests;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class on a {@link Topology} of its own, built before its first test (root and /dev/net/tun required) and
 * removed after its last. Each test must leave the checked namespaces as it found them: a subclass stops what it
 * started in an {@code @AfterEach} of its own, which JUnit runs before the check here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OnTopology {
    @TempDir
    static Path work;
    protected Topology topology;
    private final char kind;
    private Map<String, String> before;

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

    @AfterEach
    void namespacesAreAsFound() throws Exception {
        Namespaces.assertUnchanged(before, topology.prefix);
    }
}
