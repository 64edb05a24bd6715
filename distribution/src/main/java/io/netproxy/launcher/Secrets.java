package io.netproxy.launcher;

import java.io.Console;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the password for commands that need one and were given no file: the NETPROXY_PASSWORD environment
 * variable, or a no-echo prompt. Never the command line.
 */
final class Secrets {
    static final String PASSWORD_ENV = "NETPROXY_PASSWORD";

    private Secrets() {}

    /** True when the arguments already say where the secret comes from (a file the instance reads). */
    static boolean namedInArguments(List<String> args) {
        return args.contains("--password-file") || args.contains("--password-credential") || args.contains("--key");
    }

    /** A password to be set (not checked against one): asked twice at a prompt, so that a typing slip is caught. */
    static char[] newPasswordFromEnvironmentOrPrompt() throws IOException {
        if (System.getenv(PASSWORD_ENV) != null && !System.getenv(PASSWORD_ENV).isEmpty()) {
            return passwordFromEnvironmentOrPrompt();
        }
        char[] password = passwordFromEnvironmentOrPrompt();
        char[] again = System.console().readPassword("the same password again: ");
        try {
            if (again == null || !Arrays.equals(password, again)) {
                Arrays.fill(password, '\0');
                throw new IOException(again == null ? "no password entered the second time; nothing was written"
                        : "the two passwords differ; nothing was written");
            }
            return password;
        } finally {
            if (again != null) Arrays.fill(again, '\0');
        }
    }

    static char[] passwordFromEnvironmentOrPrompt() throws IOException {
        String env = System.getenv(PASSWORD_ENV);
        if (env != null && !env.isEmpty()) return env.toCharArray();
        Console console = System.console();
        if (console == null) {
            throw new IOException("no password given: use --password-file FILE (password on its first line), "
                    + "the " + PASSWORD_ENV + " environment variable, or run on a terminal to be prompted");
        }
        char[] password = console.readPassword("netproxy password: ");
        if (password == null || password.length == 0) throw new IOException("no password entered");
        return password;
    }
}
