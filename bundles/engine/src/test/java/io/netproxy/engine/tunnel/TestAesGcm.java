package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM as PROTOCOL.md section 6 registers it (wire id 2, nonce {@code 0^4 || counter LE64}, 16-byte tag),
 * written for the tests with SunJCE because the engine cannot depend on the cipher bundles. Like the real
 * suites, a sealer throws when the buffer has no room for the tag and an opener returns -1 for anything
 * that does not authenticate.
 */
final class TestAesGcm implements CipherSuite {
    static final int TAG = 16;

    /**
     * How many of the next non-empty seals throw as a real sealer does once its session was closed and its key
     * wiped ({@code IllegalStateException: key destroyed}). Keepalives (empty plaintexts) are not affected.
     */
    final AtomicInteger failingSeals = new AtomicInteger();
    /** Sealers and openers made and not closed yet: what sessions on this suite still hold. */
    final AtomicInteger openKeys = new AtomicInteger();
    /** Seals by a thread other than the one that sealed with that sealer first (a sealer is one thread's). */
    final AtomicInteger sealsByAnotherThread = new AtomicInteger();
    private final String name;
    private final int wireId;

    TestAesGcm() {
        this("aes-256-gcm", 2);
    }

    /** The same AEAD under another name and wire id: a second suite to move between. */
    TestAesGcm(String name, int wireId) {
        this.name = name;
        this.wireId = wireId;
    }

    @Override
    public String name() { return name; }

    @Override
    public int wireId() { return wireId; }

    @Override
    public int keyLength() { return 32; }

    @Override
    public int tagLength() { return TAG; }

    @Override
    public PacketSealer newSealer(byte[] key) {
        openKeys.incrementAndGet();
        return new Sealer(key, failingSeals, openKeys, sealsByAnotherThread);
    }

    @Override
    public PacketOpener newOpener(byte[] key) {
        openKeys.incrementAndGet();
        return new Opener(key, openKeys);
    }

    static byte[] nonce(long counter) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (counter >>> (8 * i));
        return nonce;
    }

    private abstract static class Aead implements AutoCloseable {
        private final byte[] key;
        private final Cipher cipher;
        private final AtomicInteger openKeys;
        private volatile boolean closed;

        Aead(byte[] key, AtomicInteger openKeys) {
            this.openKeys = openKeys;
            if (key.length != 32) throw new IllegalArgumentException("aes-256-gcm needs a 32-byte key");
            this.key = key.clone();
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        Cipher init(int mode, long counter) throws GeneralSecurityException {
            if (closed) throw new IllegalStateException("key destroyed");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce(counter)));
            return cipher;
        }

        boolean closed() { return closed; }

        @Override
        public synchronized void close() {
            if (!closed) openKeys.decrementAndGet();
            closed = true;
            Arrays.fill(key, (byte) 0);
        }
    }

    private static final class Sealer extends Aead implements PacketSealer {
        private final AtomicInteger failures;
        private final AtomicInteger byAnotherThread;
        private final java.util.concurrent.atomic.AtomicReference<Thread> user = new java.util.concurrent.atomic.AtomicReference<>();

        Sealer(byte[] key, AtomicInteger failures, AtomicInteger openKeys, AtomicInteger byAnotherThread) {
            super(key, openKeys);
            this.failures = failures;
            this.byAnotherThread = byAnotherThread;
        }

        @Override
        public int seal(long counter, byte[] buf, int aadOff, int aadLen, int off, int len) {
            if (!user.compareAndSet(null, Thread.currentThread()) && user.get() != Thread.currentThread()) {
                byAnotherThread.incrementAndGet();
            }
            if (len > 0 && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("key destroyed");
            }
            try {
                Cipher cipher = init(Cipher.ENCRYPT_MODE, counter);
                cipher.updateAAD(buf, aadOff, aadLen);
                return cipher.doFinal(buf, off, len, buf, off);
            } catch (ShortBufferException e) {
                throw new IllegalArgumentException("no room for the 16-byte tag", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("aes-256-gcm seal failed", e);
            }
        }
    }

    private static final class Opener extends Aead implements PacketOpener {
        Opener(byte[] key, AtomicInteger openKeys) { super(key, openKeys); }

        @Override
        public int open(long counter, byte[] buf, int aadOff, int aadLen, int off, int len) {
            if (closed() || len < TAG || off < 0 || off + len > buf.length || aadOff < 0 || aadOff + aadLen > buf.length) {
                return -1;
            }
            try {
                Cipher cipher = init(Cipher.DECRYPT_MODE, counter);
                cipher.updateAAD(buf, aadOff, aadLen);
                return cipher.doFinal(buf, off, len, buf, off);
            } catch (AEADBadTagException e) {
                return -1;
            } catch (GeneralSecurityException e) {
                return -1;
            }
        }
    }
}
