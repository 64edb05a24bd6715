package io.netproxy.shell;

import io.netproxy.api.NetworkPlan;
import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one way a tunnel's settings become a {@link TunnelSpec}, whether they come from command-line options
 * ({@code bin/netproxy}, Gogo) or from an {@code etc/} file: every value is checked as it is given, and a bad one
 * is reported with where it was given (the option, or the file and key), the value and what is allowed. Nothing
 * is started or changed before all of them passed.
 *
 * <p>Settings are named by their file key ({@code passwordFile}); {@link Spelling} says how the source writes
 * them, so that messages use the user's own words.
 */
final class TunnelSettings {
    static final String DEFAULT_POOL = "10.67.0.0/24";
    static final int MIN_MTU = 576;
    static final int MAX_MTU = 9000;
    static final int MAX_TIMEOUT_SECONDS = 3600;

    /** How a source writes a setting: {@code --password-file} on the command line, {@code passwordFile} in a file. */
    interface Spelling {
        String of(String key);
    }

    /** The command-line option of each setting that has one (a client's host is its first argument). */
    static final Map<String, String> OPTION_OF = Map.ofEntries(
            Map.entry("name", "--name"), Map.entry("bind", "--bind"), Map.entry("port", "--port"),
            Map.entry("passwordFile", "--password-file"), Map.entry("passwordCredential", "--password-credential"),
            Map.entry("keyFile", "--key"), Map.entry("peers", "--peer"),
            Map.entry("serverKey", "--server-key"), Map.entry("pool", "--pool"), Map.entry("pool6", "--pool6"),
            Map.entry("egress", "--egress"),
            Map.entry("routes", "--route"), Map.entry("pushRoutes", "--push-route"), Map.entry("dns", "--dns"),
            Map.entry("dnsSearch", "--dns-search"),
            Map.entry("ciphers", "--cipher"), Map.entry("mtu", "--mtu"), Map.entry("timeout", "--timeout"),
            Map.entry("tun", "--tun"), Map.entry("transport", "--transport"), Map.entry("tunBackend", "--tun-backend"),
            Map.entry("netconf", "--netconf"), Map.entry("noDns", "--no-dns"),
            Map.entry("killSwitch", "--kill-switch"), Map.entry("allowLan", "--allow-lan"));
    /** Settings whose command-line option takes no value: given means true. */
    static final java.util.Set<String> FLAGS = java.util.Set.of("noDns", "killSwitch", "allowLan");
    static final Spelling OPTIONS = key -> OPTION_OF.getOrDefault(key, key);
    static final Spelling FILE_KEYS = key -> "'" + key + "'";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:%-]{1,15}");
    private static final Pattern PLUGIN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Integer.parseInt alone would also take a sign and other scripts' digits, which the engine then refuses. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final Map<String, TunnelSpec.Role> ONLY_FOR = Map.ofEntries(
            Map.entry("bind", TunnelSpec.Role.SERVER), Map.entry("peers", TunnelSpec.Role.SERVER),
            Map.entry("passwordCredential", TunnelSpec.Role.SERVER),
            Map.entry("pool", TunnelSpec.Role.SERVER), Map.entry("pool6", TunnelSpec.Role.SERVER),
            Map.entry("egress", TunnelSpec.Role.SERVER),
            Map.entry("pushRoutes", TunnelSpec.Role.SERVER), Map.entry("dns", TunnelSpec.Role.SERVER),
            Map.entry("dnsSearch", TunnelSpec.Role.SERVER),
            Map.entry("host", TunnelSpec.Role.CLIENT), Map.entry("serverKey", TunnelSpec.Role.CLIENT),
            Map.entry("routes", TunnelSpec.Role.CLIENT), Map.entry("timeout", TunnelSpec.Role.CLIENT),
            Map.entry("noDns", TunnelSpec.Role.CLIENT), Map.entry("killSwitch", TunnelSpec.Role.CLIENT),
            Map.entry("allowLan", TunnelSpec.Role.CLIENT));

    private final TunnelSpec.Role role;
    private final Spelling spelling;
    private String name;
    private String host;
    private int port = TunnelSpec.DEFAULT_PORT;
    private boolean portGiven;
    private char[] password;
    private byte[] passwordCredential;
    private byte[] privateKey;
    private final List<byte[]> peers = new ArrayList<>();
    private String pool;
    private String pool6;
    private String egress;
    private final List<String> routes = new ArrayList<>();
    private final List<String> pushRoutes = new ArrayList<>();
    private final List<String> dns = new ArrayList<>();
    private final List<String> dnsSearch = new ArrayList<>();
    private final List<String> ciphers = new ArrayList<>();
    private int mtu;
    private int timeout;
    private String tun;
    private String transport;
    private String tunBackend;
    private String netconf;
    private boolean noDns;
    private boolean killSwitch;
    private boolean allowLan;

    TunnelSettings(TunnelSpec.Role role, Spelling spelling) {
        this.role = role;
        this.spelling = spelling;
        this.name = role == TunnelSpec.Role.SERVER ? "server" : "client";
        this.pool = role == TunnelSpec.Role.SERVER ? DEFAULT_POOL : null;
    }

    /**
     * Sets one setting from its text, as a file or an option gives it; list settings add one item per call.
     *
     * @param where how the message names the source, e.g. {@code --pool} or {@code etc/x.cfg: pool}
     * @throws IllegalArgumentException naming {@code where}, the value and what is allowed
     * @throws IOException when a password or key file cannot be read
     */
    void set(String key, String value, String where) throws IOException {
        TunnelSpec.Role only = ONLY_FOR.get(key);
        if (only != null && only != role) {
            throw bad(where, value, "applies to a " + only.name().toLowerCase() + " only, and this is a "
                    + role.name().toLowerCase());
        }
        String text = value.trim();
        switch (key) {
            case "name" -> name = matching(text, NAME, where, "1 to 32 of A-Z a-z 0-9 _ . -");
            case "host" -> host(text, where);
            case "bind" -> host = address(text, where);
            case "port" -> { port = port(text, where); portGiven = true; }
            case "passwordFile" -> password(readPasswordFile(Path.of(text)));
            case "passwordCredential" -> passwordCredential(CredentialFile.read(Path.of(text)));
            case "keyFile" -> privateKey(readKeyFile(Path.of(text)));
            case "peers", "serverKey" -> peers.add(publicKey(text, where));
            case "pool" -> pool = cidr(text, where, 1, 30, "a network of at least 4 addresses, such as 10.8.0.0/24");
            case "pool6" -> pool6 = cidr6(text, where, 64, 120, "an IPv6 network written without host bits, such as"
                    + " 2001:db8:7e::/64");
            case "egress" -> egress = matching(text, INTERFACE, where, "an interface name such as eth0");
            case "routes" -> routes.add(text.contains(":")
                    ? cidr6(text, where, 0, 128, "an IPv6 network such as 2001:db8::/32, or ::/0 for all of IPv6")
                    : cidr(text, where, 0, 32, "a network such as 10.0.0.0/8, or 0.0.0.0/0 for all"));
            case "pushRoutes" -> pushRoutes.add(cidr(text, where, 0, 32, "a network such as 10.0.0.0/8"));
            case "dns" -> dns.add(address(text, where));
            case "dnsSearch" -> dnsSearch.add(searchDomain(text, where));
            case "ciphers" -> ciphers.add(matching(text, PLUGIN, where, "a cipher suite name such as aes-256-gcm"));
            case "mtu" -> mtu = number(text, where, MIN_MTU, MAX_MTU, "bytes");
            case "timeout" -> timeout = number(text, where, 1, MAX_TIMEOUT_SECONDS, "seconds");
            case "tun" -> tun = matching(text, INTERFACE, where, "a device name of up to 15 characters, such as np0 or np%d");
            case "transport" -> transport = matching(text, PLUGIN, where, "a transport name such as udp or tcp, or auto");
            case "tunBackend" -> tunBackend = matching(text, PLUGIN, where, "a TUN backend name such as linux");
            case "netconf" -> netconf = matching(text, PLUGIN, where, "a network configurator name such as iptables");
            case "noDns" -> noDns = bool(text, where);
            case "killSwitch" -> killSwitch = bool(text, where);
            case "allowLan" -> allowLan = bool(text, where);
            default -> throw new IllegalArgumentException(where + ": unknown setting");
        }
    }

    /** A password the caller obtained (environment or prompt); the settings keep their own copy. */
    void password(char[] secret) {
        if (secret == null) return;
        if (password != null) Arrays.fill(password, '\0');
        password = secret.clone();
        Arrays.fill(secret, '\0');
    }

    private void passwordCredential(byte[] credential) {
        if (passwordCredential != null) Arrays.fill(passwordCredential, (byte) 0);
        passwordCredential = credential;
    }

    private void privateKey(byte[] key) {
        if (privateKey != null) Arrays.fill(privateKey, (byte) 0);
        privateKey = key;
    }

    /** The settings that depend on each other, then the spec; the settings' secrets move into it. */
    TunnelSpec build() {
        if (role == TunnelSpec.Role.CLIENT && host == null) {
            throw new IllegalArgumentException("no server: " + (spelling == OPTIONS ? "connect HOST[:PORT]" : "set 'host'"));
        }
        int secrets = (password != null ? 1 : 0) + (passwordCredential != null ? 1 : 0) + (privateKey != null ? 1 : 0);
        if (secrets > 1) {
            throw new IllegalArgumentException("give one of " + spelling.of("passwordFile") + ", "
                    + spelling.of("passwordCredential") + " or " + spelling.of("keyFile") + ", not more");
        }
        if (secrets == 0) {
            List<String> ways = new ArrayList<>(List.of(spelling.of("passwordFile")));
            if (spelling == OPTIONS) ways.add("set NETPROXY_PASSWORD");
            if (role == TunnelSpec.Role.SERVER) ways.add(spelling.of("passwordCredential"));
            throw new IllegalArgumentException("no secret: give " + String.join(", ", ways) + " or " + spelling.of("keyFile"));
        }
        if (dns.stream().anyMatch(server -> server.contains(":"))) {
            if (pool6 == null) {
                throw new IllegalArgumentException("an IPv6 " + spelling.of("dns") + " server needs " + spelling.of("pool6")
                        + ": clients reach it through the tunnel's IPv6");
            }
            if (dns.stream().allMatch(server -> server.contains(":"))) {
                throw new IllegalArgumentException("an IPv6 " + spelling.of("dns") + " server needs an IPv4 one beside it:"
                        + " clients that carry no IPv6 would keep the host's DNS");
            }
        }
        if (!dnsSearch.isEmpty()) {
            if (dns.isEmpty()) {
                throw new IllegalArgumentException(spelling.of("dnsSearch") + " needs " + spelling.of("dns")
                        + ": clients use the search domains with the DNS servers pushed beside them");
            }
            try {
                NetworkPlan.checkSearchDomains(dnsSearch);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(spelling.of("dnsSearch") + ": " + e.getMessage(), e);
            }
        }
        if (allowLan && !killSwitch) {
            throw new IllegalArgumentException(spelling.of("allowLan") + " only applies with " + spelling.of("killSwitch"));
        }
        if (privateKey == null && role == TunnelSpec.Role.SERVER && !peers.isEmpty()) {
            throw new IllegalArgumentException(spelling.of("peers") + " is for key mode: a password-mode server takes any"
                    + " client that has the password");
        }
        if (privateKey != null && peers.isEmpty()) {
            throw new IllegalArgumentException(role == TunnelSpec.Role.SERVER
                    ? "key mode needs at least one " + spelling.of("peers") + " (a client's public key)"
                    : "key mode needs " + spelling.of("serverKey") + " (the server's public key)");
        }
        TunnelSpec spec = TunnelSpec.builder(name, role).host(host).port(port).password(password)
                .passwordCredential(passwordCredential).privateKey(privateKey)
                .peerPublicKeys(peers).pool(pool).pool6(pool6).egress(egress).routes(routes).pushRoutes(pushRoutes).dns(dns).dnsSearch(dnsSearch).mtu(mtu)
                .tunName(tun).transport(transport).tunBackend(tunBackend).netconf(netconf).ciphers(ciphers)
                .handshakeTimeoutSeconds(timeout).noDns(noDns).killSwitch(killSwitch).allowLan(allowLan).build();
        password = null;
        passwordCredential = null;
        privateKey = null;
        return spec;
    }

    /** Wipes what secrets were read, when the settings are given up. */
    void wipe() {
        if (password != null) Arrays.fill(password, '\0');
        if (passwordCredential != null) Arrays.fill(passwordCredential, (byte) 0);
        if (privateKey != null) Arrays.fill(privateKey, (byte) 0);
        password = null;
        passwordCredential = null;
        privateKey = null;
    }

    /** A client's server: {@code HOST} or {@code HOST:PORT}; a port given on its own wins. */
    private void host(String text, String where) {
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
            throw bad(where, text, "is not a host; expected a name or address such as vpn.example.org or 198.51.100.10");
        }
        int colon = text.lastIndexOf(':');
        if (colon > 0 && text.indexOf(':') == colon) {
            int hostPort = port(text.substring(colon + 1), where);
            host = text.substring(0, colon);
            if (!portGiven) port = hostPort;
        } else {
            host = text;
        }
    }

    private static boolean bool(String text, String where) {
        if (text.equals("true") || text.equals("false")) return Boolean.parseBoolean(text);
        throw bad(where, text, "is not allowed; expected true or false");
    }

    private static int port(String text, String where) {
        return number(text, where, 1, 65535, "port");
    }

    private static int number(String text, String where, int min, int max, String unit) {
        if (DIGITS.matcher(text).matches()) {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) return value;
        }
        throw bad(where, text, "is not allowed; expected a whole number from " + min + " to " + max + " (" + unit + ")");
    }

    private static String matching(String text, Pattern pattern, String where, String expected) {
        if (pattern.matcher(text).matches()) return text;
        throw bad(where, text, "is not allowed; expected " + expected);
    }

    /** A DNS server: IPv4, or IPv6 (which clients get with their IPv6 settings, so it needs an IPv6 pool). */
    private static String address(String text, String where) {
        if (isIpv4(text)) return text;
        if (text.matches("[0-9A-Fa-f:]{2,39}") && !text.matches("[0:]+") && validIpv6(text, 128)) return text;
        throw bad(where, text, "is not an IPv4 or IPv6 address; expected four numbers 0-255 such as 192.0.2.53, or an"
                + " IPv6 address such as 2001:db8::53");
    }

    /** A DNS search domain such as corp.example (a final dot, as resolv.conf allows it, is dropped). */
    private static String searchDomain(String text, String where) {
        String domain = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        try {
            return NetworkPlan.checkSearchDomains(List.of(domain)).get(0);
        } catch (IllegalArgumentException e) {
            throw bad(where, text, "is not a search domain; expected a domain such as corp.example (letters, digits and"
                    + " hyphens in labels of 1 to 63 separated by dots)");
        }
    }

    private static String cidr(String text, String where, int minPrefix, int maxPrefix, String expected) {
        int slash = text.indexOf('/');
        if (slash > 0 && isIpv4(text.substring(0, slash)) && DIGITS.matcher(text.substring(slash + 1)).matches()) {
            int prefix = Integer.parseInt(text.substring(slash + 1));
            if (prefix >= minPrefix && prefix <= maxPrefix) return text;
        }
        throw bad(where, text, "is not allowed; expected " + expected + " (prefix length " + minPrefix + " to "
                + maxPrefix + ")");
    }

    /** An IPv6 network; the engine parses the address itself (strictly), this checks its shape and prefix length. */
    private static String cidr6(String text, String where, int minPrefix, int maxPrefix, String expected) {
        int slash = text.indexOf('/');
        if (slash > 1 && text.substring(0, slash).matches("[0-9A-Fa-f:]{2,39}") && text.indexOf(':') < slash
                && DIGITS.matcher(text.substring(slash + 1)).matches()) {
            int prefix = Integer.parseInt(text.substring(slash + 1));
            if (prefix >= minPrefix && prefix <= maxPrefix && validIpv6(text.substring(0, slash), prefix)) return text;
        }
        throw bad(where, text, "is not allowed; expected " + expected + " (prefix length " + minPrefix + " to "
                + maxPrefix + ")");
    }

    /** A literal the JDK takes as IPv6 (never a name: only hex digits and colons reach here) without host bits. */
    private static boolean validIpv6(String literal, int prefix) {
        byte[] address;
        try {
            java.net.InetAddress parsed = java.net.InetAddress.getByName(literal);
            if (!(parsed instanceof java.net.Inet6Address)) return false;
            address = parsed.getAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
        for (int bit = prefix; bit < 128; bit++) {
            if ((address[bit / 8] & 0x80 >>> bit % 8) != 0) return false;
        }
        return true;
    }

    private static boolean isIpv4(String text) {
        java.util.regex.Matcher octets = IPV4.matcher(text);
        if (!octets.matches()) return false;
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(octets.group(i)) > 255) return false;
        }
        return true;
    }

    static byte[] publicKey(String base64, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw bad(where, base64, "is not base64; expected a public key as 'netproxy genkey' prints it");
        }
        if (key.length != 32) {
            throw bad(where, base64, "is " + key.length + " bytes; expected a 32-byte public key as 'netproxy genkey' prints it");
        }
        return key;
    }

    private static IllegalArgumentException bad(String where, String value, String why) {
        return new IllegalArgumentException(where + ": '" + value + "' " + why);
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
}
