package io.netproxy.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/netproxy's choice of class data archive options, with a stand-in java that prints the arguments it is given
 * instead of starting anything: who writes the archive, who only maps it, and which files it replaces first.
 */
class ClassArchiveScriptTest {
    private static final Path SCRIPT = Path.of("src/main/dist/bin/netproxy").toAbsolutePath();
    private static final String AUTO_CREATE = "-XX:+AutoCreateSharedArchive";
    private static final byte[] MAGIC = {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0};

    @TempDir
    Path dir;
    private Path java;
    private Path cache;
    /** An installation: the script in bin/, a jar in lib/ and in bundle/. */
    private Path home;

    @BeforeEach
    void fakeJava() throws IOException {
        home = dir.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(SCRIPT, home.resolve("bin/netproxy"));
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/launcher.jar"), "a jar");
        Files.createDirectories(home.resolve("bundle"));
        Files.writeString(home.resolve("bundle/engine.jar"), "a bundle");
        java = dir.resolve("java");
        // answers the version question of a JDK without a release file, else prints one argument per line
        Files.writeString(java, """
                #!/usr/bin/env bash
                if [ "$1" = -XshowSettings:properties ]; then echo "    java.version = 25.0.3" >&2; exit 0; fi
                printf '%s\\n' "$@"
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        cache = dir.resolve("cache");
    }

    private List<String> jvmArguments(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/netproxy").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("NETPROXY_JAVA", java.toString());
        builder.environment().put("NETPROXY_CACHE_DIR", cache.toString());
        builder.environment().remove("NETPROXY_JAVA_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output.lines().toList();
    }

    private List<String> jvmArguments(String... args) throws Exception {
        return jvmArguments(Map.of(), args);
    }

    private Path archive(List<String> jvm) {
        return jvm.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).map(a -> Path.of(a.substring(22)))
                .findFirst().orElseThrow(() -> new AssertionError("no archive in " + jvm));
    }

    @Test
    void anInstanceTakesTheLockAndWritesTheArchiveInTheCache() throws Exception {
        List<String> jvm = jvmArguments("serve", "--pool", "198.18.0.0/24");
        assertTrue(jvm.contains(AUTO_CREATE), jvm.toString());
        Path archive = archive(jvm);
        assertEquals(cache, archive.getParent());
        assertTrue(archive.getFileName().toString().startsWith("classes-25.0.3_"), archive.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)),
                "root's alone: no user can hold the lock");
        assertTrue(jvm.contains("-Xlog:cds*=off,aot*=off"), "a stale archive is not an error to print: " + jvm);
    }

    @Test
    void commandsThatRunNoInstanceAndTheLauncherOfABackgroundOneHaveNone() throws Exception {
        for (List<String> args : List.of(List.of("status"), List.of("connect", "198.51.100.10", "-d"),
                List.of("serve", "--detach"), List.of("cleanup"))) {
            List<String> jvm = jvmArguments(args.toArray(String[]::new));
            assertFalse(String.join(" ", jvm).contains("SharedArchive"), args + ": " + jvm);
        }
        assertFalse(Files.exists(cache), "not even made");
    }

    @Test
    void whileAnotherHoldsTheLockAnInstanceMapsAWholeArchiveOnly() throws Exception {
        Path archive = archive(jvmArguments("daemon"));
        Process held = holdLock(archive);
        try {
            waitUntilLocked(archive);
            assertFalse(String.join(" ", jvmArguments("daemon")).contains("SharedArchive"), "no archive yet: none");
            Files.write(archive, whole(20));
            List<String> jvm = jvmArguments("run");
            assertEquals(archive, archive(jvm), "mapped");
            assertFalse(jvm.contains(AUTO_CREATE), "never written without the lock");
            Files.write(archive, new byte[4096]);
            assertFalse(String.join(" ", jvmArguments("run")).contains("SharedArchive"), "a file without its header is not");
        } finally {
            held.destroy();
            held.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLockHolderReplacesAnArchiveWithoutItsHeaderOrOfTheLauncherAlone() throws Exception {
        Path archive = archive(jvmArguments("daemon"));
        for (byte[] broken : List.of(new byte[0], new byte[8192], whole(1))) {
            Files.write(archive, broken);
            assertTrue(jvmArguments("connect", "198.51.100.10").contains(AUTO_CREATE));
            assertFalse(Files.exists(archive), "removed, to be written again: " + broken.length + " bytes");
        }
        Files.write(archive, whole(12));
        assertTrue(jvmArguments("connect", "198.51.100.10").contains(AUTO_CREATE));
        assertTrue(Files.exists(archive), "an instance's archive is kept (the JVM checks whether it is stale)");
    }

    @Test
    void anArchiveOfOtherJarsIsNeitherMappedNorKept() throws Exception {
        Path archive = archive(jvmArguments("daemon"));
        Files.write(archive, whole(12));
        assertEquals(archive, archive(jvmArguments("run")), "made from these jars");
        Files.writeString(home.resolve("bundle/engine.jar"), "a bundle of the next version");
        Process held = holdLock(archive);
        try {
            waitUntilLocked(archive);
            assertFalse(String.join(" ", jvmArguments("run")).contains("SharedArchive"),
                    "the JVM would map none and write none: not given to it");
        } finally {
            held.destroy();
            held.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(jvmArguments("run").contains(AUTO_CREATE));
        assertFalse(Files.exists(archive), "removed by the lock holder, to be written again");
    }

    @Test
    void jvmOptionsThatShareClassesTheirOwnWayWin() throws Exception {
        for (String options : List.of("-XX:SharedArchiveFile=/x.jsa", "-Xshare:off", "-XX:AOTCache=/x.aot",
                "-XX:ArchiveClassesAtExit=/y.jsa")) {
            List<String> jvm = jvmArguments(Map.of("NETPROXY_JAVA_OPTS", options), "serve");
            assertFalse(jvm.contains(AUTO_CREATE), options + ": " + jvm);
            assertFalse(jvm.contains("-Xlog:cds*=off,aot*=off"), options);
        }
        List<String> none = jvmArguments(Map.of("NETPROXY_CACHE_DIR", ""), "serve");
        assertFalse(String.join(" ", none).contains("SharedArchive"), "an empty cache directory turns it off: " + none);
    }

    /** An archive's magic and {@code mebibytes} of anything. */
    private static byte[] whole(int mebibytes) {
        byte[] bytes = new byte[mebibytes << 20];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        return bytes;
    }

    /** Another instance: one process that holds the lock until it is destroyed (flock's child would outlive flock). */
    private static Process holdLock(Path archive) throws IOException {
        return new ProcessBuilder("bash", "-c", "exec 9>>\"$0\" && flock 9 && exec sleep 30", archive + ".lock").start();
    }

    private static void waitUntilLocked(Path archive) throws Exception {
        for (int i = 0; i < 100; i++) {
            Process probe = new ProcessBuilder("flock", "-n", archive + ".lock", "true").start();
            if (probe.waitFor() != 0) return;
            Thread.sleep(50);
        }
        throw new AssertionError("the lock was not taken");
    }
}
