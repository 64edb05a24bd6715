package io.netproxy.shell;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One request on the control socket, read within bounds: {@code ARG} lines, at most one {@code SECRET} line, then
 * {@code END} (the format is ControlClient's, in the launcher). The bounds are far above what the launcher sends, so that
 * a connecting process can make the instance hold a few hundred kilobytes at most, not all its memory.
 */
final class ControlRequest {
    static final int MAX_LINE_CHARS = 64 * 1024;
    static final int MAX_ARGS = 1024;

    /** A request that broke a bound; its message says which, for the answer. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final List<String> args;
    private final char[] secret;
    private final boolean ended;

    private ControlRequest(List<String> args, char[] secret, boolean ended) {
        this.args = args;
        this.secret = secret;
        this.ended = ended;
    }

    /**
     * Reads up to {@code END} or the end of the stream. A secret read before a bound is broken is wiped before
     * {@link TooLarge} is thrown.
     */
    static ControlRequest read(Reader in) throws IOException {
        List<String> args = new ArrayList<>();
        char[] secret = null;
        try {
            String line;
            while ((line = readLine(in)) != null) {
                if (line.equals("END")) return new ControlRequest(args, secret, true);
                if (line.startsWith("ARG ")) {
                    if (args.size() == MAX_ARGS) throw new TooLarge("a request has at most " + MAX_ARGS + " arguments");
                    args.add(line.substring(4));
                } else if (line.startsWith("SECRET ")) {
                    if (secret != null) Arrays.fill(secret, '\0');
                    secret = line.substring(7).toCharArray();
                }
            }
            return new ControlRequest(args, secret, false);
        } catch (IOException | RuntimeException e) {
            if (secret != null) Arrays.fill(secret, '\0');
            throw e;
        }
    }

    /** A line without its end, null at the end of the stream; {@link TooLarge} past {@link #MAX_LINE_CHARS}. */
    private static String readLine(Reader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') break;
            if (line.length() == MAX_LINE_CHARS) {
                throw new TooLarge("a request line has at most " + MAX_LINE_CHARS + " characters");
            }
            line.append((char) c);
        }
        if (c == -1 && line.isEmpty()) return null;
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') line.setLength(length - 1);
        return line.toString();
    }

    List<String> args() {
        return args;
    }

    /** The secret sent with the request, or null; the caller wipes it. */
    char[] secret() {
        return secret;
    }

    /** Whether the request ended with END, rather than with the connection. */
    boolean ended() {
        return ended;
    }
}
