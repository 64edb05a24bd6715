package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netproxy.api.PacketSealer;
import io.netproxy.engine.protocol.SessionKeys;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each TUN reader of a session seals with a sealer of its own, made when it first seals, never after the close. */
class SessionSealersTest {
    private final TestAesGcm suite = new TestAesGcm();

    @Test
    void eachReaderHasItsOwnSealerUnderTheSessionKeyAndCountersStayShared() throws Exception {
        byte[] sendKey = new byte[32];
        Arrays.fill(sendKey, (byte) 7);
        Session session = session(sendKey.clone(), 3);
        PacketSealer first = session.dataSealer(0);
        PacketSealer third = session.dataSealer(2);
        assertNotSame(first, third);
        assertSame(third, session.dataSealer(2), "made once");

        // the same key: what one reader seals under counter c, the other reader's sealer seals alike
        long counter = session.nextCounter();
        assertEquals(0, counter);
        assertEquals(1, session.nextCounter(), "one counter for every reader");
        byte[] a = sealed(first, counter);
        byte[] b = sealed(third, counter);
        assertEquals(Arrays.toString(a), Arrays.toString(b));
        assertEquals(Arrays.toString(sealed(suite.newSealer(sendKey), counter)), Arrays.toString(a));
    }

    @Test
    void aSealerIsNotMadeAfterTheSessionClosedAndClosingClosesEveryOne() {
        Session session = session(new byte[32], 2);
        session.dataSealer(1);
        int held = suite.openKeys.get();
        session.close();
        assertEquals(held - 4, suite.openKeys.get(), "both data sealers, the control sealer and the opener closed");
        Session another = session(new byte[32], 2);
        another.close();
        assertThrows(IllegalStateException.class, () -> another.dataSealer(1));
    }

    private Session session(byte[] sendKey, int readers) {
        return new Session(new SessionKeys(sendKey, new byte[32], 1, 2), suite, new Session.Peer(null, "peer", 0), null,
                new PeerTraffic(), EngineClock.SYSTEM, readers);
    }

    private static byte[] sealed(PacketSealer sealer, long counter) {
        byte[] buf = new byte[64];
        for (int i = 16; i < 32; i++) buf[i] = (byte) i;
        int length = sealer.seal(counter, buf, 0, 16, 16, 16);
        return Arrays.copyOfRange(buf, 16, 16 + length);
    }
}
