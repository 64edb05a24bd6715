package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * Control messages as a client decrypts them from a data message (docs/fuzzing.md): the parsers reject a body that
 * breaks the format with an IllegalArgumentException only (the tunnel counts and drops it), and what they accept is
 * exactly what the encoder writes for it (IPv6 settings: up to the bytes a later version may add).
 */
class ControlMessagesFuzzTest {
    @FuzzTest
    void transportsMessages(FuzzedDataProvider data) {
        int off = data.consumeInt(0, 16);
        byte[] buf = data.consumeRemainingAsBytes();
        if (buf.length < off) return;
        int len = buf.length - off;
        boolean control = ControlMessages.isControl(buf, off, len);
        assertEquals(len > 0 && buf[off] == 0, control);
        int type = ControlMessages.type(buf, off, len);
        assertTrue(type >= -1 && type <= 255);
        List<String> names;
        try {
            names = ControlMessages.parseTransports(buf, off, len);
        } catch (IllegalArgumentException e) {
            return;
        }
        byte[] encoded = ControlMessages.transports(names);
        assertArrayEquals(Arrays.copyOfRange(buf, off + 2, buf.length), Arrays.copyOfRange(encoded, 2, encoded.length));
    }

    @FuzzTest
    void settings(FuzzedDataProvider data) {
        int off = data.consumeInt(0, 16);
        byte[] buf = data.consumeRemainingAsBytes();
        if (buf.length < off + 2) return;
        int len = buf.length - off;
        SupplementarySettings settings;
        try {
            settings = ControlMessages.parseSettings(buf, off, len);
        } catch (IllegalArgumentException e) {
            return;
        }
        byte[] encoded = ControlMessages.settings(settings);
        assertTrue(encoded.length <= len, "the settings fill at most the message");
        assertArrayEquals(Arrays.copyOfRange(buf, off + 2, off + encoded.length), Arrays.copyOfRange(encoded, 2, encoded.length));
        if (settings.equals(SupplementarySettings.NONE)) assertEquals(2, len, "only an empty body means nothing");
    }
}
