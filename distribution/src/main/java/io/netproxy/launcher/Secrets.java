package io.netproxy.launcher;

import java.io.Console;
import java.io.IOException;
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
        return args.contains("--password-file") || args.contains("--key");
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
