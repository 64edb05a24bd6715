package io.netproxy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Uses only harmless commands (sh, cat, env, sleep). */
class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner(List.of(), Duration.ofSeconds(10));

    @Test
    void feedsStdinAndReturnsStdout() throws IOException {
        assertEquals("line one\nline two\n", runner.run(List.of("cat"), "line one\nline two\n"));
    }

    @Test
    void failureCarriesCommandLineStderrAndInput() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(List.of("sh", "-c", "cat >/dev/null; echo 'No such process' >&2; exit 2"), "*filter\n"));
        assertTrue(e.getMessage().contains("exit 2"), e.getMessage());
        assertTrue(e.getMessage().contains("sh -c cat >/dev/null;"), e.getMessage());
        assertTrue(e.getMessage().contains("No such process"), e.getMessage());
        assertTrue(e.getMessage().contains("*filter"), e.getMessage());
        assertEquals("No such process\n", e.stderr());
    }

    @Test
    void prefixComesFirst() throws IOException {
        CommandRunner prefixed = new CommandRunner(List.of("env", "NETCONF_TEST=1"), Duration.ofSeconds(10));
        assertEquals("1 C\n", prefixed.run(List.of("sh", "-c", "echo $NETCONF_TEST $LC_ALL"), ""));
    }

    @Test
    void theServiceManagersNotifySocketIsNotHandedOn() throws IOException {
        // surefire sets it for this module's tests, as systemd does for a Type=notify unit
        assertEquals("/run/netproxy-test/notify-unused", System.getenv(CommandRunner.NOTIFY_SOCKET));
        String environment = runner.run(List.of("env"), "");
        assertTrue(environment.contains("LC_ALL=C\n"), environment);
        assertTrue(!environment.contains("NOTIFY_SOCKET"), environment);
    }

    @Test
    void largeOutputDoesNotBlock() throws IOException {
        assertEquals(1_000_000, runner.run(List.of("head", "-c", "1000000", "/dev/zero"), "").length());
    }

    @Test
    void hungCommandTimesOut() {
        CommandRunner impatient = new CommandRunner(List.of(), Duration.ofMillis(300));
        IOException e = assertThrows(IOException.class, () -> impatient.run(List.of("sleep", "30"), ""));
        assertTrue(e.getMessage().startsWith("timed out"), e.getMessage());
    }

    @Test
    void toolsAreFoundOnTheSearchPathOnly(@org.junit.jupiter.api.io.TempDir Path emptyDir) {
        assertEquals(java.util.Optional.empty(), Executables.find("sh", List.of(emptyDir)));
        assertTrue(Executables.find("sh").isPresent());
        assertTrue(Executables.defaultSearchPath().contains(Path.of("/usr/sbin")), "a service's PATH may lack sbin");
    }
}
