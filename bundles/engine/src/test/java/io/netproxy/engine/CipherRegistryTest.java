package io.netproxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One wire id, one suite (PROTOCOL.md section 6): a second suite with a taken id waits until the id is free. */
class CipherRegistryTest {
    private final TunnelManager manager = new TunnelManager();

    @Test
    void aSuiteWithATakenWireIdIsIgnoredUntilTheIdIsFree() {
        CipherSuite first = suite("first", 200);
        CipherSuite clash = suite("clash", 200);
        CipherSuite other = suite("other", 201);
        manager.addCipher(first, properties("first", 1L));
        manager.addCipher(clash, properties("clash", 2L));
        manager.addCipher(other, properties("other", 3L));
        assertEquals(List.of("first", "other"), names());

        manager.removeCipher(first);
        assertEquals(List.of("clash", "other"), names(), "the ignored suite takes the freed id");
        manager.removeCipher(clash);
        assertEquals(List.of("other"), names());
    }

    @Test
    void removingAnIgnoredSuiteChangesNothing() {
        CipherSuite first = suite("first", 200);
        CipherSuite clash = suite("clash", 200);
        manager.addCipher(first, properties("first", 1L));
        manager.addCipher(clash, properties("clash", 2L));
        manager.removeCipher(clash);
        assertEquals(List.of("first"), names());
        manager.removeCipher(first);
        assertEquals(List.of(), names(), "the ignored suite, gone meanwhile, does not come back");
    }

    private List<String> names() {
        return manager.installedCiphers().stream().map(CipherSuite::name).toList();
    }

    private static Map<String, Object> properties(String name, long serviceId) {
        return Map.of(CipherSuite.PROPERTY, name, "service.id", serviceId);
    }

    private static CipherSuite suite(String name, int wireId) {
        return new CipherSuite() {
            @Override public String name() { return name; }
            @Override public int wireId() { return wireId; }
            @Override public int keyLength() { return 32; }
            @Override public int tagLength() { return 16; }
            @Override public PacketSealer newSealer(byte[] key) { throw new UnsupportedOperationException("not sealing here"); }
            @Override public PacketOpener newOpener(byte[] key) { throw new UnsupportedOperationException("not opening here"); }
        };
    }
}
