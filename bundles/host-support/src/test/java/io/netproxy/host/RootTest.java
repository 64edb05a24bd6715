package io.netproxy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootTest {

    @Test
    void readsTheEffectiveUid() throws IOException {
        assertEquals(0, Root.effectiveUid(List.of("Name:\tjava", "Uid:\t1000\t0\t0\t0", "Gid:\t1000\t1000\t1000\t1000")));
        assertEquals(1000, Root.effectiveUid(List.of("Uid:\t0\t1000\t1000\t1000")));
    }

    @Test
    void failsWithoutAUidLine() {
        assertThrows(IOException.class, () -> Root.effectiveUid(List.of("Name:\tjava")));
    }
}
