package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The settings beside the handshake response (PROTOCOL.md 7.1, control types 3 and 4), IPv6 and search domains: fixed
 * bytes, every malformed length, RFC 5952 text.
 */
class Ipv6ControlMessagesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] CLIENT = HEX.parseHex("20010db8007e00000000000000000002");
    private static final byte[] SERVER = HEX.parseHex("20010db8007e00000000000000000001");
    private static final Ipv6Settings FULL_TUNNEL = new Ipv6Settings(CLIENT, 64, SERVER,
            List.of(Ipv6Settings.Network.EVERYTHING));
    private static final String DNS_HEX = "20010db8000000000000000000000053";
    private static final Ipv6Settings WITH_DNS = new Ipv6Settings(CLIENT, 64, SERVER,
            List.of(Ipv6Settings.Network.EVERYTHING), List.of(HEX.parseHex(DNS_HEX)));
    /** PROTOCOL.md 7.1's example: client 2001:db8:7e::2/64, server 2001:db8:7e::1, one route ::/0. */
    private static final String FULL_TUNNEL_HEX = "0004" + "20010db8007e00000000000000000002" + "40"
            + "20010db8007e00000000000000000001" + "01" + "00000000000000000000000000000000" + "00";

    private static final String SEARCH_HEX = "02" + "0c" + HEX.formatHex("corp.example".getBytes()) + "03"
            + HEX.formatHex("lab".getBytes());
    private static final List<String> SEARCH = List.of("corp.example", "lab");

    private static SupplementarySettings ipv6(Ipv6Settings settings) {
        return new SupplementarySettings(settings, List.of());
    }

    @Test
    void theRequestSaysItReadsSearchDomainsWhichOneWithoutFlagsDoesNot() {
        assertArrayEquals(new byte[] {0, 3, 1}, ControlMessages.settingsRequest());
        assertTrue(ControlMessages.understandsSearchDomains(new byte[] {0, 3, 1}, 0, 3));
        assertTrue(ControlMessages.understandsSearchDomains(new byte[] {0, 3, 3}, 0, 3), "other bits are for later");
        assertFalse(ControlMessages.understandsSearchDomains(new byte[] {0, 3}, 0, 2), "an initiator from before them");
        assertFalse(ControlMessages.understandsSearchDomains(new byte[] {0, 3, 2}, 0, 3));
    }

    @Test
    void settingsHaveFixedBytesAndParseBack() {
        byte[] message = ControlMessages.settings(ipv6(FULL_TUNNEL));
        assertEquals(FULL_TUNNEL_HEX, HEX.formatHex(message));
        assertEquals(ipv6(FULL_TUNNEL), ControlMessages.parseSettings(message, 0, message.length));
    }

    @Test
    void anEmptyBodyMeansNoIpv6() {
        assertArrayEquals(new byte[] {0, 4}, ControlMessages.settings(SupplementarySettings.NONE));
        assertEquals(SupplementarySettings.NONE, ControlMessages.parseSettings(new byte[] {0, 4}, 0, 2));
    }

    @Test
    void bytesAfterTheSearchDomainsAreLeftToLaterVersions() {
        byte[] longer = HEX.parseHex(FULL_TUNNEL_HEX + "00" + "00" + "0102030405");
        assertEquals(ipv6(FULL_TUNNEL), ControlMessages.parseSettings(longer, 0, longer.length));
        byte[] withDns = HEX.parseHex(FULL_TUNNEL_HEX + "01" + DNS_HEX + "00" + "0102030405");
        assertEquals(ipv6(WITH_DNS), ControlMessages.parseSettings(withDns, 0, withDns.length));
    }

    @Test
    void dnsServersFollowTheRoutesOnlyWhenThereAreAny() {
        byte[] message = ControlMessages.settings(ipv6(WITH_DNS));
        assertEquals(FULL_TUNNEL_HEX + "01" + DNS_HEX, HEX.formatHex(message));
        Ipv6Settings parsed = ControlMessages.parseSettings(message, 0, message.length).ipv6();
        assertEquals(WITH_DNS, parsed);
        assertEquals(List.of("2001:db8::53"), parsed.dnsText());
        assertEquals(FULL_TUNNEL_HEX, HEX.formatHex(ControlMessages.settings(ipv6(FULL_TUNNEL))), "as before DNS existed");
    }

    @Test
    void dnsServersCutShortOrTooManyAreRefused() {
        byte[] message = HEX.parseHex(FULL_TUNNEL_HEX + "01" + DNS_HEX);
        for (int len = HEX.parseHex(FULL_TUNNEL_HEX).length + 1; len < message.length; len++) {
            int cut = len;
            assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(message, 0, cut),
                    "length " + len);
        }
        byte[] five = HEX.parseHex(FULL_TUNNEL_HEX + "05" + DNS_HEX.repeat(5));
        assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(five, 0, five.length));
        for (String unusable : List.of("00000000000000000000000000000000", "ff020000000000000000000000000001",
                "fe800000000000000000000000000001", "00000000000000000000ffffc0000235")) {
            byte[] bad = HEX.parseHex(FULL_TUNNEL_HEX + "01" + unusable);
            assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(bad, 0, bad.length),
                    "not a resolver's address: " + unusable);
        }
        List<byte[]> tooMany = java.util.Collections.nCopies(5, HEX.parseHex(DNS_HEX));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv6Settings(CLIENT, 64, SERVER, List.of(Ipv6Settings.Network.EVERYTHING), tooMany));
    }

    @Test
    void everyShorterBodyIsRefused() {
        byte[] message = HEX.parseHex(FULL_TUNNEL_HEX);
        for (int len = 3; len < message.length; len++) {
            int cut = len;
            assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(message, 0, cut),
                    "length " + len);
        }
    }

    @ParameterizedTest
    @CsvSource({
        // a prefix length beyond 128, or 0 for the client's own prefix
        "18, 129", "18, 0",
        // more than 8 routes
        "35, 9",
        // a route's prefix length beyond 128
        "52, 129"})
    void outOfRangeFieldsAreRefused(int at, int value) {
        byte[] message = HEX.parseHex(FULL_TUNNEL_HEX);
        message[at] = (byte) value;
        assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(message, 0, message.length));
    }

    @Test
    void aRouteWithHostBitsIsRefused() {
        byte[] message = HEX.parseHex(FULL_TUNNEL_HEX);
        message[36] = 0x20; // 2000::/0
        assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(message, 0, message.length));
    }

    @Test
    void parsesAtAnOffset() {
        byte[] message = ControlMessages.settings(ipv6(FULL_TUNNEL));
        byte[] shifted = new byte[message.length + 7];
        System.arraycopy(message, 0, shifted, 5, message.length);
        assertEquals(ipv6(FULL_TUNNEL), ControlMessages.parseSettings(shifted, 5, message.length));
    }

    @ParameterizedTest
    @CsvSource({
        "00000000000000000000000000000000, ::",
        "00000000000000000000000000000001, ::1",
        "20010db8000000000000000000000001, 2001:db8::1",
        "20010db8000000010000000000000001, 2001:db8:0:1::1",
        "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
        "20010db80000000100000000000000ff, 2001:db8:0:1::ff",
        "20010db8000100010001000100010001, 2001:db8:1:1:1:1:1:1",
        "20010db8000000000001000000000000, 2001:db8:0:0:1::",
        "20010000000000010000000000010001, 2001::1:0:0:1:1",
        "00010000000000000000000000000000, 1::",
        "fe800000000000000000000000000000, fe80::"})
    void formatsAsRfc5952Says(String hex, String text) {
        assertEquals(text, Ipv6Settings.format(HEX.parseHex(hex)));
    }

    @Test
    void settingsRefuseMoreThanEightRoutes() {
        List<Ipv6Settings.Network> nine = Arrays.asList(new Ipv6Settings.Network[9]).stream()
                .map(nothing -> Ipv6Settings.Network.EVERYTHING).toList();
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Settings(CLIENT, 64, SERVER, nine));
    }

    @Test
    void searchDomainsFollowTheDnsServersWhichAreThereThenEvenWhenNone() {
        SupplementarySettings withSearch = new SupplementarySettings(FULL_TUNNEL, SEARCH);
        byte[] message = ControlMessages.settings(withSearch);
        assertEquals(FULL_TUNNEL_HEX + "00" + SEARCH_HEX, HEX.formatHex(message));
        assertEquals(withSearch, ControlMessages.parseSettings(message, 0, message.length));
        SupplementarySettings both = new SupplementarySettings(WITH_DNS, SEARCH);
        byte[] bothMessage = ControlMessages.settings(both);
        assertEquals(FULL_TUNNEL_HEX + "01" + DNS_HEX + SEARCH_HEX, HEX.formatHex(bothMessage));
        byte[] longer = HEX.parseHex(HEX.formatHex(bothMessage) + "0102");
        assertEquals(both, ControlMessages.parseSettings(longer, 0, longer.length), "bytes after them are for later");
        assertEquals(new SupplementarySettings(FULL_TUNNEL, List.of()), both.withoutDns());
    }

    @Test
    void withoutIpv6SearchDomainsComeAfterAnAllZeroBlock() {
        SupplementarySettings searchOnly = new SupplementarySettings(null, SEARCH);
        byte[] message = ControlMessages.settings(searchOnly);
        String zeroBlock = "0004" + "00".repeat(34);
        assertEquals(zeroBlock + "00" + SEARCH_HEX, HEX.formatHex(message));
        assertEquals(searchOnly, ControlMessages.parseSettings(message, 0, message.length));
        // one encoding: the zero block only carries search domains, and nothing else of IPv6
        for (String bad : List.of(zeroBlock, zeroBlock + "00", zeroBlock + "0000", zeroBlock + "01" + DNS_HEX + SEARCH_HEX,
                "0004" + "00".repeat(33) + "01" + "00".repeat(17) + "00" + SEARCH_HEX)) {
            byte[] refused = HEX.parseHex(bad);
            assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(refused, 0, refused.length), bad);
        }
    }

    @Test
    void searchDomainsCutShortOrNotDomainsAreRefused() {
        byte[] message = HEX.parseHex(FULL_TUNNEL_HEX + "00" + SEARCH_HEX);
        for (int len = HEX.parseHex(FULL_TUNNEL_HEX).length + 2; len < message.length; len++) {
            int cut = len;
            assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(message, 0, cut),
                    "length " + len);
        }
        for (String domain : List.of("corp..example", "-corp", "corp example", "corp\nnameserver 192.0.2.66", "corp.", "ä")) {
            byte[] name = domain.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] bad = HEX.parseHex(FULL_TUNNEL_HEX + "00" + "01" + String.format("%02x", name.length) + HEX.formatHex(name));
            assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(bad, 0, bad.length), domain);
        }
        byte[] seven = HEX.parseHex(FULL_TUNNEL_HEX + "00" + "07" + "0161".repeat(7));
        assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(seven, 0, seven.length));
        byte[] twice = HEX.parseHex(FULL_TUNNEL_HEX + "00" + "02" + "0161".repeat(2));
        assertThrows(IllegalArgumentException.class, () -> ControlMessages.parseSettings(twice, 0, twice.length));
    }
}
