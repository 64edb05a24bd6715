package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * bin/netproxy's class data archive (JDK 19+), as instances in two namespaces of one machine meet it: the instance that
 * holds the archive's lock writes it as it exits, an instance started meanwhile neither writes nor maps it, and the
 * next instance loads the bundles' classes from it.
 */
class ClassArchiveIT extends OnTopology {
    private static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";

    ClassArchiveIT() {
        super('a');
    }

    @Test
    void theInstanceHoldingTheLockWritesTheArchiveAndTheNextLoadsTheBundlesFromIt() throws Exception {
        Path cache = work.resolve("cache");
        Path password = topology.secret("password", "class archive password");
        Installation server = sharedInstallation("srv").withEnvironment("NETPROXY_CACHE_DIR", cache.toString());
        Process first = server.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        List<String> firstJvm = jvmArguments(first.pid());
        Assumptions.assumeTrue(javaFeature(firstJvm) >= 19, "bin/netproxy picked a JDK older than 19: no archive");
        assertTrue(firstJvm.contains("-XX:+AutoCreateSharedArchive"), "the first instance takes the lock: " + firstJvm);
        Path archive = archiveOf(firstJvm);
        assertEquals(cache, archive.getParent(), "NETPROXY_CACHE_DIR holds it");
        assertFalse(Files.exists(archive), "written only as the instance exits");

        Installation client = sharedInstallation("c1").withEnvironment("NETPROXY_CACHE_DIR", cache.toString());
        client.ok("connect", Topology.SERVER, "-d", "--password-file", password.toString());
        List<String> clientJvm = jvmArguments(client.pid());
        assertFalse(String.join(" ", clientJvm).contains("SharedArchive"),
                "the lock is taken and there is no archive yet: the background client neither writes nor maps one: " + clientJvm);
        client.ok("disconnect");

        Namespaces.stop(first);
        assertTrue(Files.size(archive) > 1_000_000, "the server wrote the archive as it exited: " + Files.size(archive));

        Path classes = work.resolve("classes.log");
        Installation again = sharedInstallation("srv").withEnvironment("NETPROXY_CACHE_DIR", cache.toString())
                .withEnvironment("NETPROXY_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        Process second = again.serve("--password-file", password.toString(), "--pool", "198.18.0.0/24");
        assertEquals(archive, archiveOf(jvmArguments(second.pid())));
        Namespaces.stop(second);
        String loaded = Files.readString(classes);
        for (String bundleClass : List.of("io.netproxy.engine.TunnelManager", "org.apache.felix.scr.impl.Activator")) {
            assertTrue(Pattern.compile("\\] " + Pattern.quote(bundleClass) + " source: shared objects file \\(top\\)")
                    .matcher(loaded).find(), bundleClass + " comes from the archive:\n" + linesWith(loaded, bundleClass));
        }
    }

    private static List<String> jvmArguments(long pid) throws IOException {
        return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
    }

    private static Path archiveOf(List<String> jvm) {
        return jvm.stream().filter(a -> a.startsWith(ARCHIVE_OPTION)).map(a -> Path.of(a.substring(ARCHIVE_OPTION.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + ARCHIVE_OPTION + " in " + jvm));
    }

    /**
     * The feature version of the JDK a JVM runs, from the release file of the JDK its java binary (argv[0], a path:
     * bin/netproxy starts it by one) is in. Not through /proc/PID/exe: the instance runs in a mount namespace of
     * {@code ip netns exec}'s, and from inside a chroot that link then names a path outside the chroot.
     */
    private static int javaFeature(List<String> jvm) throws IOException {
        Path jdk = Path.of(jvm.get(0)).toRealPath().getParent().getParent();
        Matcher version = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(jdk.resolve("release")));
        assertTrue(version.find(), "no JAVA_VERSION in " + jdk.resolve("release"));
        return Integer.parseInt(version.group(1));
    }

    private static String linesWith(String text, String part) {
        return String.join("\n", text.lines().filter(l -> l.contains(part)).toList());
    }
}
