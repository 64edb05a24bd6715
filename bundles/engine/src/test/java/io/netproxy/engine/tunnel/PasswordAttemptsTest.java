package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Password mode's budget of guesses: per source, per server, and refunded to clients that prove the password. */
class PasswordAttemptsTest {
    private static final long MINUTE = 60_000_000_000L;

    @Test
    void aSourceGetsItsBurstThenOneGuessAMinute() throws Exception {
        PasswordAttempts attempts = new PasswordAttempts(16);
        InetAddress source = InetAddress.getByName("198.51.100.7");
        for (int i = 0; i < PasswordAttempts.PER_SOURCE; i++) assertTrue(attempts.take(source, 0), "guess " + i);
        assertFalse(attempts.take(source, 0));
        assertTrue(attempts.take(InetAddress.getByName("198.51.100.8"), 0), "another source has its own budget");
        assertFalse(attempts.take(source, MINUTE / 2));
        assertTrue(attempts.take(source, MINUTE + 1));
    }

    @Test
    void anIpv6SourceCountsAsItsSlash64() throws Exception {
        PasswordAttempts attempts = new PasswordAttempts(16);
        for (int i = 0; i < PasswordAttempts.PER_SOURCE; i++) {
            assertTrue(attempts.take(InetAddress.getByName("2001:db8:1:2::" + Integer.toHexString(i + 1)), 0));
        }
        assertFalse(attempts.take(InetAddress.getByName("2001:db8:1:2::ffff"), 0), "the same /64");
        assertTrue(attempts.take(InetAddress.getByName("2001:db8:1:3::1"), 0), "another /64");
    }

    @Test
    void theServerBudgetBoundsManySources() throws Exception {
        PasswordAttempts attempts = new PasswordAttempts(16);
        int granted = 0;
        for (int i = 0; i < 200; i++) {
            if (attempts.take(InetAddress.getByName("198.51.100." + (i % 250)), 0)) granted++;
        }
        // 200 sources with one guess each; the server hands out its burst and no more
        assertTrue(granted == PasswordAttempts.PER_SERVER, "granted " + granted);
    }

    @Test
    void aClientThatProvesThePasswordGetsItsGuessBackAndIsExempt() throws Exception {
        PasswordAttempts attempts = new PasswordAttempts(16);
        InetAddress source = InetAddress.getByName("198.51.100.7");
        for (int i = 0; i < PasswordAttempts.PER_SOURCE; i++) attempts.take(source, 0);
        assertFalse(attempts.isProven("key-a"));
        attempts.prove("key-a", source);
        assertTrue(attempts.isProven("key-a"));
        assertTrue(attempts.take(source, 0), "the proven client's guess came back");
        attempts.prove("key-a", source);
        assertFalse(attempts.take(source, 0), "a key is refunded once");
    }

    @Test
    void provenKeysAreBounded() throws Exception {
        PasswordAttempts attempts = new PasswordAttempts(2);
        InetAddress source = InetAddress.getByName("198.51.100.7");
        attempts.prove("a", source);
        attempts.prove("b", source);
        attempts.isProven("a"); // seen again: b is now the longest unseen
        attempts.prove("c", source);
        assertTrue(attempts.isProven("a"));
        assertFalse(attempts.isProven("b"));
        assertTrue(attempts.isProven("c"));
    }

    @Test
    void theServerWantsCookiesOnceHalfItsBudgetIsSpentAndARefundedGuessComesBack() throws Exception {
        PasswordAttempts attempts = new PasswordAttempts(16);
        int taken = 0;
        for (int i = 0; !attempts.serverBudgetLow(0); i++) {
            assertTrue(attempts.take(InetAddress.getByName("198.51.100." + (i % 250)), 0));
            taken++;
        }
        assertTrue(taken == PasswordAttempts.PER_SERVER / 2 + 1, "low after " + taken);
        attempts.refund(InetAddress.getByName("198.51.100.0"));
        assertFalse(attempts.serverBudgetLow(0), "a guess whose response was not sent goes back");
    }
}
