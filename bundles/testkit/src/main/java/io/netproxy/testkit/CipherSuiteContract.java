package io.netproxy.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the engine expects of every {@link CipherSuite}: a usable name registered as the service property, a
 * wire id in 1..255 (unique among suites: see PROTOCOL.md's registry), a key of at least 128 bits and a tag of
 * at least 96, and sealers and openers that keep the {@link PacketCipherContract packet cipher contract} with
 * those lengths. A subclass passes the suite to the constructor.
 */
public abstract class CipherSuiteContract extends PacketCipherContract {
    private final CipherSuite suite;

    protected CipherSuiteContract(CipherSuite suite) {
        this(suite, suite::newOpener, true);
    }

    /**
     * The suite with another opener than its own, for a suite that picks its opener by JDK.
     *
     * @param survivesAForgery see {@link PacketCipherContract#PacketCipherContract}
     */
    protected CipherSuiteContract(CipherSuite suite, Function<byte[], ? extends PacketOpener> openers,
            boolean survivesAForgery) {
        super(suite::newSealer, openers, suite.keyLength(), suite.tagLength(), survivesAForgery);
        this.suite = suite;
    }

    @Test
    void isRegisteredUnderItsName() {
        ComponentDescriptor.assertRegisteredAs(suite.getClass(), CipherSuite.class, CipherSuite.PROPERTY, suite.name());
    }

    @Test
    void hasAWireIdThatFitsOneByteAndIsNotZero() {
        assertTrue(suite.wireId() >= 1 && suite.wireId() <= 255, "wire id " + suite.wireId() + " is not in 1..255");
    }

    @Test
    void hasAKeyOfAtLeast128BitsAndATagOfAtLeast96() {
        assertTrue(suite.keyLength() >= 16, "key length " + suite.keyLength());
        assertTrue(suite.tagLength() >= 12, "tag length " + suite.tagLength());
    }
}
