package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Turns {@code serve} and {@code connect} arguments (the same for bin/netproxy, Gogo and etc/ files) into a
 * {@link TunnelSpec}. Secrets come from files or from the caller, never from the arguments themselves.
 */
final class TunnelArguments {
    static final String DEFAULT_POOL = "10.67.0.0/24";

    private TunnelArguments() {}

    /**
     * @param args   the command's arguments without the command name
     * @param secret a password the caller obtained (environment or prompt), or null
     */
    static TunnelSpec parse(TunnelSpec.Role role, List<String> args, char[] secret) throws IOException {
        String name = role == TunnelSpec.Role.SERVER ? "server" : "client";
        String host = null;
        int port = TunnelSpec.DEFAULT_PORT;
        boolean portGiven = false;
        char[] password = secret == null ? null : secret.clone();
        byte[] privateKey = null;
        List<byte[]> peers = new ArrayList<>();
        String pool = role == TunnelSpec.Role.SERVER ? DEFAULT_POOL : null;
        String egress = null;
        List<String> routes = new ArrayList<>();
        List<String> pushRoutes = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        List<String> ciphers = new ArrayList<>();
        int mtu = 0;
        int timeout = 0;
        String tunName = null;
        String transport = null;
        String tunBackend = null;
        String netconf = null;
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--name" -> name = value(args, ++i, arg);
                    case "--port" -> { port = integer(args, ++i, arg); portGiven = true; }
                    case "--bind" -> host = value(args, ++i, arg);
                    case "--password-file" -> password = readPasswordFile(Path.of(value(args, ++i, arg)));
                    case "--key" -> privateKey = readKeyFile(Path.of(value(args, ++i, arg)));
                    case "--peer", "--server-key" -> peers.add(publicKey(value(args, ++i, arg), arg));
                    case "--pool" -> pool = value(args, ++i, arg);
                    case "--egress" -> egress = value(args, ++i, arg);
                    case "--route" -> routes.add(value(args, ++i, arg));
                    case "--push-route" -> pushRoutes.add(value(args, ++i, arg));
                    case "--dns" -> dns.add(value(args, ++i, arg));
                    case "--cipher" -> ciphers.add(value(args, ++i, arg));
                    case "--mtu" -> mtu = integer(args, ++i, arg);
                    case "--timeout" -> timeout = integer(args, ++i, arg);
                    case "--tun" -> tunName = value(args, ++i, arg);
                    case "--transport" -> transport = value(args, ++i, arg);
                    case "--tun-backend" -> tunBackend = value(args, ++i, arg);
                    case "--netconf" -> netconf = value(args, ++i, arg);
                    default -> {
                        if (arg.startsWith("-") || role == TunnelSpec.Role.SERVER || host != null) {
                            throw new IllegalArgumentException("unknown argument '" + arg + "'");
                        }
                        host = arg;
                    }
                }
            }
            if (role == TunnelSpec.Role.CLIENT) {
                if (host == null) throw new IllegalArgumentException("connect needs the server: connect HOST[:PORT]");
                int colon = host.lastIndexOf(':');
                if (colon > 0 && host.indexOf(':') == colon) {
                    int hostPort = parsePort(host.substring(colon + 1), "HOST:PORT");
                    host = host.substring(0, colon);
                    if (!portGiven) port = hostPort;
                }
            }
            if (password != null && privateKey != null) {
                throw new IllegalArgumentException("give either a password or --key, not both");
            }
            if (password == null && privateKey == null) {
                throw new IllegalArgumentException("no secret: give --password-file FILE, set NETPROXY_PASSWORD, or --key FILE");
            }
            if (privateKey != null && peers.isEmpty()) {
                throw new IllegalArgumentException(role == TunnelSpec.Role.SERVER
                        ? "key mode needs at least one --peer PUBKEY (a client's public key)"
                        : "key mode needs --server-key PUBKEY (the server's public key)");
            }
            return new TunnelSpec(name, role, host, port, password, privateKey, peers, pool, egress, routes, pushRoutes, dns,
                    mtu, tunName, transport, tunBackend, netconf, ciphers, timeout);
        } catch (RuntimeException | IOException e) {
            if (password != null) Arrays.fill(password, '\0');
            if (privateKey != null) Arrays.fill(privateKey, (byte) 0);
            throw e;
        }
    }

    /** The first line of the file is the password. */
    static char[] readPasswordFile(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read password file " + file + ": " + e.getMessage(), e);
        }
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') end++;
        java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
        char[] password = new char[chars.remaining()];
        chars.get(password);
        Arrays.fill(chars.array(), '\0');
        Arrays.fill(bytes, (byte) 0);
        if (password.length == 0) throw new IOException("password file " + file + " has an empty first line");
        return password;
    }

    /** A private key file holds the base64 of 32 bytes, as written by {@code netproxy genkey}. */
    static byte[] readKeyFile(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IOException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("key file " + file + " is not base64 (write one with 'netproxy genkey FILE')");
        }
        if (key.length != 32) {
            Arrays.fill(key, (byte) 0);
            throw new IOException("key file " + file + " must hold 32 bytes, found " + key.length);
        }
        return key;
    }

    static byte[] publicKey(String base64, String option) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " expects a base64 public key, got '" + base64 + "'");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(option + " expects a 32-byte public key, got " + key.length + " bytes");
        }
        return key;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) throw new IllegalArgumentException(option + " needs a value");
        return args.get(i);
    }

    private static int integer(List<String> args, int i, String option) {
        String text = value(args, i, option);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a number, got '" + text + "'");
        }
    }

    private static int parsePort(String text, String where) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port '" + text + "' in " + where);
    }
}
