package io.netproxy.metrics.prometheus;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses where the endpoint listens: {@code PORT} (loopback), {@code HOST:PORT} or {@code [IPv6]:PORT}. */
final class ListenAddress {
    private ListenAddress() {}

    static InetSocketAddress parse(String value) {
        String text = value.strip();
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) throw new IllegalArgumentException(problem(value, "an IPv6 address needs the form [ADDRESS]:PORT"));
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else if (text.indexOf(':') < 0) {
            host = null; // a port alone: loopback, so that nothing is exposed unless an address is named
            port = text;
        } else {
            int colon = text.lastIndexOf(':');
            if (text.indexOf(':') != colon) {
                throw new IllegalArgumentException(problem(value, "write an IPv6 address in brackets, [ADDRESS]:PORT"));
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(problem(value, "the port '" + port + "' is not a number"));
        }
        if (number < 1 || number > 65535) throw new IllegalArgumentException(problem(value, "the port is not 1 to 65535"));
        if (host == null) return new InetSocketAddress(InetAddress.getLoopbackAddress(), number);
        if (host.isEmpty()) throw new IllegalArgumentException(problem(value, "the host is empty"));
        try {
            return new InetSocketAddress(InetAddress.getByName(host), number);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(problem(value, "the host '" + host + "' is not known"));
        }
    }

    private static String problem(String value, String what) {
        return "metrics address '" + value + "': " + what + " (expected HOST:PORT, [IPv6]:PORT or PORT)";
    }
}
