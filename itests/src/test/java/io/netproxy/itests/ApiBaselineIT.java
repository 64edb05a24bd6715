package io.netproxy.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API is a contract: the api module's build fails when a change breaks its released baseline (1.0.0, in
 * bundles/api/baseline) without the version bump it needs. Each test builds a copy of the api module, changed as a
 * contributor might change it, with Maven offline (the outer build has fetched every plugin already).
 */
class ApiBaselineIT {
    private static final Path SOURCE = Path.of("..").toAbsolutePath().normalize();
    private static final String TUNNEL_SERVICE = "bundles/api/src/main/java/io/netproxy/api/tunnel/TunnelService.java";
    private static final String API_PACKAGE = "bundles/api/src/main/java/io/netproxy/api/package-info.java";

    @TempDir
    Path copy;

    @BeforeEach
    void copyTheApiModule() throws IOException {
        Prerequisites.require(Prerequisites.onPath("mvn"), "needs 'mvn' (apt-get install maven)");
        copyFile("pom.xml");
        copyFile("bundles/pom.xml");
        copyFile("bundles/api/pom.xml");
        copyFile("bundles/api/bnd.bnd");
        copyTree("bundles/api/src");
        copyTree("bundles/api/baseline");
    }

    @Test
    void theApiAsItIsMatchesItsBaseline() throws Exception {
        Namespaces.Result build = build();
        assertEquals(0, build.exitCode(), build.output());
    }

    @Test
    void removingAMethodFailsTheBuild() throws Exception {
        edit(TUNNEL_SERVICE, "    List<String> cleanup() throws IOException;\n", "");
        Namespaces.Result build = build();
        assertNotEquals(0, build.exitCode(), "a removed method must fail the build: " + build.output());
        assertReports(build, "REMOVED\\s+METHOD\\s+cleanup\\(\\)");
        assertReports(build, "MAJOR\\s+PACKAGE\\s+io\\.netproxy\\.api\\.tunnel");
    }

    @Test
    void additionsNeedAMinorBumpOfTheirPackage() throws Exception {
        // io.netproxy.api 1.1 added the kill switch to the baseline's 1.0.0; back at 1.0.0 that is a missing bump
        edit(API_PACKAGE, "@Version(\"1.1.0\")", "@Version(\"1.0.0\")");
        Namespaces.Result unbumped = build();
        assertNotEquals(0, unbumped.exitCode(), "additions without a bump must fail the build: " + unbumped.output());
        assertReports(unbumped, "MINOR\\s+PACKAGE\\s+io\\.netproxy\\.api\\s");
        assertReports(unbumped, "ADDED\\s+METHOD\\s+applyKillSwitch");

        edit(API_PACKAGE, "@Version(\"1.0.0\")", "@Version(\"1.1.0\")");
        Namespaces.Result bumped = build();
        assertEquals(0, bumped.exitCode(), "with the bump it builds: " + bumped.output());
    }

    /** The baseline report (in the build's output) has a line matching {@code regex}. */
    private static void assertReports(Namespaces.Result build, String regex) {
        assertTrue(java.util.regex.Pattern.compile(regex).matcher(build.output()).find(),
                "the report names /" + regex + "/: " + build.output());
    }

    private Namespaces.Result build() throws Exception {
        return Namespaces.run(java.util.Map.of(), 300, List.of("mvn", "-B", "-o", "-q", "-f",
                copy.resolve("bundles/api/pom.xml").toString(), "verify"));
    }

    private void edit(String file, String from, String to) throws IOException {
        Path path = copy.resolve(file);
        String text = Files.readString(path);
        assertTrue(text.contains(from), file + " no longer contains " + from.strip() + "; update this test");
        Files.writeString(path, text.replace(from, to));
    }

    private void copyFile(String file) throws IOException {
        Path target = copy.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(SOURCE.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
    }

    private void copyTree(String directory) throws IOException {
        Path from = SOURCE.resolve(directory);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) copyFile(SOURCE.relativize(file).toString());
        }
    }
}
