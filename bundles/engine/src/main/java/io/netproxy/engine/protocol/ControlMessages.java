package io.netproxy.engine.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Messages between the peers inside the data channel (PROTOCOL.md section 7.1): the plaintext of a data message whose
 * first byte is 0, which no IP packet has (its version nibble is 4 or 6). They are therefore as authenticated as the
 * data they travel with, and a peer that does not know one drops it like any other packet it cannot use.
 */
public final class ControlMessages {
    /** The first plaintext byte that marks a control message. */
    public static final int MARKER = 0;
    /** Handshake again now: the responder retires the suite of this session. No body. */
    public static final int HANDSHAKE_NOW = 1;
    /** The responder listens on these transports only from now on: {@code count(1) (length(1) name)*}. */
    public static final int TRANSPORTS = 2;
    /**
     * From the initiator: send me what goes beside your handshake response (IPv6, search domains). An empty body, or
     * {@code flags(1)}: {@link #UNDERSTANDS_SEARCH_DOMAINS}; a responder ignores bits it does not know.
     */
    public static final int SETTINGS_REQUEST = 3;
    /** The flag of a settings request that asks for search domains too: the initiator reads them. */
    public static final int UNDERSTANDS_SEARCH_DOMAINS = 1;
    /**
     * The responder's answer to {@link #SETTINGS_REQUEST}: an empty body when it has nothing to add, else its IPv6
     * settings {@code client(16) prefix(1) server(16) count(1) count × (network(16) prefix(1))} (all zero when it
     * carries no IPv6 but has search domains), then, when it pushes IPv6 DNS servers or search domains, {@code
     * dnsCount(1) dnsCount × address(16)}, then, when it pushes search domains, {@code domainCount(1) domainCount ×
     * (length(1) domain)}; bytes after that are for later versions and ignored.
     */
    public static final int SETTINGS = 4;

    static final int MAX_TRANSPORTS = 8;
    private static final int SETTINGS_FIXED_LENGTH = 2 + 16 + 1 + 16 + 1;
    private static final int IPV6_NETWORK_LENGTH = 17;
    static final int MAX_NAME_LENGTH = 32;

    private ControlMessages() {}

    /** Whether a decrypted, non-empty plaintext is a control message rather than an IP packet. */
    public static boolean isControl(byte[] buf, int off, int len) {
        return len > 0 && buf[off] == MARKER;
    }

    /** The control type, or -1 for a control message too short to have one. */
    public static int type(byte[] buf, int off, int len) {
        return len >= 2 ? buf[off + 1] & 0xFF : -1;
    }

    public static byte[] handshakeNow() {
        return new byte[] {MARKER, HANDSHAKE_NOW};
    }

    /**
     * @param names transport names, 1 to 8, each 1 to 32 of {@code [a-z0-9-]}
     */
    public static byte[] transports(List<String> names) {
        if (names.isEmpty() || names.size() > MAX_TRANSPORTS) {
            throw new IllegalArgumentException("1 to " + MAX_TRANSPORTS + " transports, not " + names.size());
        }
        List<byte[]> encoded = new ArrayList<>();
        int length = 3;
        for (String name : names) {
            if (!validName(name)) throw new IllegalArgumentException("not a transport name for the wire: " + name);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            encoded.add(bytes);
            length += 1 + bytes.length;
        }
        byte[] message = new byte[length];
        message[0] = MARKER;
        message[1] = TRANSPORTS;
        message[2] = (byte) names.size();
        int at = 3;
        for (byte[] name : encoded) {
            message[at++] = (byte) name.length;
            System.arraycopy(name, 0, message, at, name.length);
            at += name.length;
        }
        return message;
    }

    /**
     * The names of a {@link #TRANSPORTS} message.
     *
     * @throws IllegalArgumentException when the body breaks the format (a peer's bug: the message is dropped)
     */
    public static List<String> parseTransports(byte[] buf, int off, int len) {
        if (len < 3) throw new IllegalArgumentException("transports message without a count");
        int count = buf[off + 2] & 0xFF;
        if (count < 1 || count > MAX_TRANSPORTS) throw new IllegalArgumentException("transport count " + count);
        List<String> names = new ArrayList<>();
        int at = off + 3;
        int end = off + len;
        for (int i = 0; i < count; i++) {
            if (at >= end) throw new IllegalArgumentException("transports message cut short");
            int length = buf[at++] & 0xFF;
            if (length < 1 || at + length > end) throw new IllegalArgumentException("transport name cut short");
            String name = new String(buf, at, length, StandardCharsets.US_ASCII);
            if (!validName(name)) throw new IllegalArgumentException("not a transport name: " + name);
            names.add(name);
            at += length;
        }
        if (at != end) throw new IllegalArgumentException("bytes after the transport names");
        return names;
    }

    /** A settings request of an initiator that reads search domains. */
    public static byte[] settingsRequest() {
        return new byte[] {MARKER, SETTINGS_REQUEST, UNDERSTANDS_SEARCH_DOMAINS};
    }

    /**
     * Whether a {@link #SETTINGS_REQUEST} comes from an initiator that reads search domains; one that predates them
     * sends no flags, and an answer with them could leave it waiting (PROTOCOL.md 7.1).
     */
    public static boolean understandsSearchDomains(byte[] buf, int off, int len) {
        return len >= 3 && (buf[off + 2] & UNDERSTANDS_SEARCH_DOMAINS) != 0;
    }

    /** A {@link #SETTINGS} message. */
    public static byte[] settings(SupplementarySettings settings) {
        Ipv6Settings ipv6 = settings.ipv6();
        List<String> search = settings.dnsSearch();
        if (ipv6 == null && search.isEmpty()) return new byte[] {MARKER, SETTINGS};
        List<Ipv6Settings.Network> routes = ipv6 == null ? List.of() : ipv6.routes();
        List<byte[]> dns = ipv6 == null ? List.of() : ipv6.dns();
        List<byte[]> domains = search.stream().map(domain -> domain.getBytes(StandardCharsets.US_ASCII)).toList();
        // each part only when it or a later one has something: a message without them is what responders sent before
        ByteBuffer message = ByteBuffer.allocate(SETTINGS_FIXED_LENGTH + routes.size() * IPV6_NETWORK_LENGTH
                + (dns.isEmpty() && domains.isEmpty() ? 0 : 1 + dns.size() * 16)
                + (domains.isEmpty() ? 0 : 1 + domains.stream().mapToInt(domain -> 1 + domain.length).sum()));
        message.put((byte) MARKER).put((byte) SETTINGS);
        if (ipv6 == null) {
            // no IPv6: prefix length 0, only ever sent to an initiator whose request says it reads search domains
            message.position(SETTINGS_FIXED_LENGTH);
        } else {
            message.put(ipv6.clientAddress()).put((byte) ipv6.prefixLength()).put(ipv6.serverAddress())
                    .put((byte) routes.size());
            routes.forEach(route -> message.put(route.address()).put((byte) route.prefixLength()));
        }
        if (!dns.isEmpty() || !domains.isEmpty()) {
            message.put((byte) dns.size());
            dns.forEach(message::put);
        }
        if (!domains.isEmpty()) {
            message.put((byte) domains.size());
            domains.forEach(domain -> message.put((byte) domain.length).put(domain));
        }
        return message.array();
    }

    /**
     * The settings of a {@link #SETTINGS} message.
     *
     * @throws IllegalArgumentException when the body breaks the format (a peer's bug: the message is dropped)
     */
    public static SupplementarySettings parseSettings(byte[] buf, int off, int len) {
        if (len == 2) return SupplementarySettings.NONE;
        if (len < SETTINGS_FIXED_LENGTH) throw new IllegalArgumentException("settings cut short");
        int prefixLength = buf[off + 18] & 0xFF;
        int count = buf[off + 35] & 0xFF;
        if (count > Ipv6Settings.MAX_ROUTES) throw new IllegalArgumentException("IPv6 route count " + count);
        if (len < SETTINGS_FIXED_LENGTH + count * IPV6_NETWORK_LENGTH) throw new IllegalArgumentException("IPv6 routes cut short");
        List<Ipv6Settings.Network> routes = new ArrayList<>();
        int at = off + SETTINGS_FIXED_LENGTH;
        for (int i = 0; i < count; i++, at += IPV6_NETWORK_LENGTH) {
            routes.add(new Ipv6Settings.Network(Arrays.copyOfRange(buf, at, at + 16), buf[at + 16] & 0xFF));
        }
        List<byte[]> dns = new ArrayList<>();
        int end = off + len;
        if (at < end) {
            int servers = buf[at++] & 0xFF;
            if (servers > Ipv6Settings.MAX_DNS) throw new IllegalArgumentException("IPv6 DNS server count " + servers);
            if (end - at < servers * 16) throw new IllegalArgumentException("IPv6 DNS servers cut short");
            for (int i = 0; i < servers; i++, at += 16) dns.add(Arrays.copyOfRange(buf, at, at + 16));
        }
        List<String> search = new ArrayList<>();
        if (at < end) {
            int domains = buf[at++] & 0xFF;
            for (int i = 0; i < domains; i++) {
                int length = at < end ? buf[at++] & 0xFF : 0;
                if (length < 1 || end - at < length) throw new IllegalArgumentException("search domain cut short");
                search.add(new String(buf, at, length, StandardCharsets.US_ASCII));
                at += length;
            }
        }
        // bytes after that are for later versions
        Ipv6Settings ipv6 = null;
        if (prefixLength != 0) {
            ipv6 = new Ipv6Settings(Arrays.copyOfRange(buf, off + 2, off + 18), prefixLength,
                    Arrays.copyOfRange(buf, off + 19, off + 35), routes, dns);
        } else if (!allZero(buf, off + 2, SETTINGS_FIXED_LENGTH - 2) || !dns.isEmpty() || search.isEmpty()) {
            // one encoding per message: "no IPv6" is all zero, and only there to carry search domains
            throw new IllegalArgumentException("settings without IPv6 that are not all zero, or carry nothing");
        }
        return new SupplementarySettings(ipv6, search);
    }

    private static boolean allZero(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (buf[i] != 0) return false;
        }
        return true;
    }

    private static boolean validName(String name) {
        return name.matches("[a-z0-9-]{1," + MAX_NAME_LENGTH + "}");
    }
}
