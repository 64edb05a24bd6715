package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IPv4 parsers of the engine (docs/fuzzing.md): the header fields the data path reads from a decrypted packet,
 * which a peer chooses, and the dotted and CIDR text of a tunnel's settings, which an operator writes. A packet is
 * either not one (-1) or a complete packet that fits; text is either refused with an IllegalArgumentException or
 * is exactly four ASCII numbers 0-255 (and a prefix length 0-32), which format back to the same numbers.
 */
class Ipv4FuzzTest {
    private static final Pattern DOTTED = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

    @FuzzTest
    void packetsAndText(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> packet(data);
            case 1 -> address(data.consumeRemainingAsString());
            default -> cidr(data.consumeRemainingAsString());
        }
    }

    private static void packet(FuzzedDataProvider data) {
        int off = data.consumeInt(0, 16);
        byte[] buf = data.consumeRemainingAsBytes();
        if (buf.length < off) return;
        int available = buf.length - off;
        int length = Ipv4.packetLength(buf, off, available);
        if (length == -1) return;
        int headerLength = (buf[off] & 0x0F) * 4;
        assertEquals(4, (buf[off] & 0xFF) >>> 4, "version");
        assertTrue(headerLength >= Ipv4.HEADER_MIN && headerLength <= length && length <= available,
                () -> "header " + headerLength + ", total " + length + ", available " + available);
        Ipv4.source(buf, off);
        Ipv4.destination(buf, off);
    }

    private static void address(String text) {
        int parsed;
        try {
            parsed = Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertCanonical(text.trim(), parsed);
    }

    private static void cidr(String text) {
        Ipv4.Cidr cidr;
        try {
            cidr = Ipv4.Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        int slash = text.indexOf('/');
        assertTrue(cidr.prefixLength() >= 0 && cidr.prefixLength() <= 32);
        String prefix = text.substring(slash + 1);
        assertTrue(prefix.matches("[0-9]{1,9}"), () -> "accepted '" + prefix + "' as a prefix length");
        assertEquals(cidr.prefixLength(), Integer.parseInt(prefix));
        assertEquals(0, cidr.network() & ~Ipv4.Cidr.mask(cidr.prefixLength()), "normalised to the network");
        assertCanonical(text.substring(0, slash).trim(), Ipv4.parse(text.substring(0, slash)));
    }

    private static void assertCanonical(String dotted, int parsed) {
        Matcher octets = DOTTED.matcher(dotted);
        assertTrue(octets.matches(), () -> "accepted '" + dotted + "' as an address");
        StringBuilder canonical = new StringBuilder();
        for (int i = 1; i <= 4; i++) canonical.append(i > 1 ? "." : "").append(Integer.parseInt(octets.group(i)));
        assertEquals(canonical.toString(), Ipv4.format(parsed));
    }
}
