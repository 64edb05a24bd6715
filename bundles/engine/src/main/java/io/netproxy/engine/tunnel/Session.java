package io.netproxy.engine.tunnel;

import io.netproxy.api.CipherSuite;
import io.netproxy.api.PacketOpener;
import io.netproxy.api.PacketSealer;
import io.netproxy.engine.protocol.ReplayWindow;
import io.netproxy.engine.protocol.SessionKeys;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One set of data keys between two peers (one handshake). Sealing happens on the TUN reader threads, each with a
 * sealer of its own ({@link #dataSealer}), and on the timer thread for keepalives ({@link #controlSealer}); all
 * draw counters from one atomic sequence, so a nonce is never used twice. Opening and the replay window are
 * guarded by the session's monitor, uncontended except for the moment two socket readers overlap during
 * a transport swap; so is making a reader's sealer, which never happens after the session closed.
 */
final class Session {
    private final int localIndex;
    private final int remoteIndex;
    private final CipherSuite suite;
    /** The TUN readers' sealers by reader: the first made at once, the others when their reader first seals. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<PacketSealer> dataSealers;
    final PacketSealer controlSealer;
    /** Kept for the sealers still to be made; wiped at close. Guarded by this. */
    private final byte[] sendKey;
    private boolean closed;
    private final PacketOpener opener;
    private final ReplayWindow replay = new ReplayWindow();
    private final AtomicLong sendCounter = new AtomicLong();
    private final EngineClock clock;
    private final long createdNanos;
    private final long createdEpochMs;
    private final Peer peer;
    private volatile PeerAddress peerAddress;
    private volatile long lastReceiveNanos;
    private volatile long lastSendNanos;
    /** When data was first sent after the last packet received, or 0: an answer is owed since then. */
    private final AtomicLong unansweredSinceNanos = new AtomicLong();
    /** When data was last received, for the passive keepalive that tells a sender we still hear it. */
    private volatile long lastDataReceiveNanos;
    private volatile boolean confirmed;
    private final PeerTraffic traffic;

    /**
     * @param traffic    the peer's counts, which this session adds to as its predecessors did
     * @param tunReaders the tunnel's TUN reader threads, each of which seals with a sealer of its own
     */
    Session(SessionKeys keys, CipherSuite suite, Peer peer, PeerAddress peerAddress, PeerTraffic traffic,
            EngineClock clock, int tunReaders) {
        this.clock = clock;
        this.traffic = traffic;
        this.createdNanos = clock.nanoTime();
        this.createdEpochMs = clock.epochMillis();
        this.lastReceiveNanos = createdNanos;
        this.lastSendNanos = createdNanos;
        this.lastDataReceiveNanos = createdNanos;
        this.localIndex = keys.localIndex();
        this.remoteIndex = keys.remoteIndex();
        this.suite = suite;
        this.peer = peer;
        this.peerAddress = peerAddress;
        this.dataSealers = new java.util.concurrent.atomic.AtomicReferenceArray<>(tunReaders);
        this.dataSealers.set(0, suite.newSealer(keys.sendKey()));
        this.controlSealer = suite.newSealer(keys.sendKey());
        this.opener = suite.newOpener(keys.receiveKey());
        this.sendKey = tunReaders > 1 ? keys.sendKey().clone() : new byte[0];
        Arrays.fill(keys.sendKey(), (byte) 0);
        Arrays.fill(keys.receiveKey(), (byte) 0);
    }

    int localIndex() { return localIndex; }
    int remoteIndex() { return remoteIndex; }
    CipherSuite suite() { return suite; }
    Peer peer() { return peer; }
    PeerAddress peerAddress() { return peerAddress; }
    long createdEpochMs() { return createdEpochMs; }
    boolean confirmed() { return confirmed; }
    void confirm() { confirmed = true; }

    long ageNanos(long now) { return now - createdNanos; }
    long sinceReceiveNanos(long now) { return now - lastReceiveNanos; }
    long sinceSendNanos(long now) { return now - lastSendNanos; }

    /** How long data we sent has gone without any packet back, or 0 when nothing is owed. */
    long unansweredNanos(long now) {
        long since = unansweredSinceNanos.get();
        return since == 0 ? 0 : now - since;
    }

    /** Whether data came in after our last send: the peer hears nothing from us about it until we send. */
    boolean owesAnswer() { return lastDataReceiveNanos - lastSendNanos > 0; }

    long nextCounter() { return sendCounter.getAndIncrement(); }

    /**
     * The sealer of TUN reader {@code reader}, which only that reader uses.
     *
     * @throws IllegalStateException when the session was closed before the reader's sealer was made
     */
    PacketSealer dataSealer(int reader) {
        PacketSealer sealer = dataSealers.get(reader);
        if (sealer != null) return sealer;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the session was closed");
            sealer = suite.newSealer(sendKey);
            dataSealers.set(reader, sealer);
            return sealer;
        }
    }

    long sentMessages() { return sendCounter.get(); }

    /**
     * Authenticates and decrypts a data message in place.
     *
     * @return plaintext length, -1 when not authentic, -2 when a replay
     */
    synchronized int open(long counter, byte[] buf, int off, int len, int headerLength) {
        int plain = opener.open(counter, buf, off, headerLength, off + headerLength, len - headerLength);
        if (plain < 0) return -1;
        if (!replay.accept(counter)) return -2;
        return plain;
    }

    /** Records an authenticated packet; the peer's address follows its latest one (roaming, also between transports). */
    void received(Carrier via, InetSocketAddress from, int payloadBytes) {
        long now = clock.nanoTime();
        lastReceiveNanos = now;
        if (payloadBytes > 0) lastDataReceiveNanos = now;
        if (unansweredSinceNanos.get() != 0) unansweredSinceNanos.set(0);
        traffic.received(payloadBytes);
        if (!peerAddress.is(via, from)) peerAddress = new PeerAddress(via, from);
    }

    void sent(int payloadBytes) {
        long now = clock.nanoTime();
        lastSendNanos = now;
        // 0 is the "nothing owed" mark; a clock that reads 0 (a fake one at its origin) starts owing a tick later
        if (payloadBytes > 0 && unansweredSinceNanos.get() == 0) unansweredSinceNanos.compareAndSet(0, now == 0 ? 1 : now);
        traffic.sent(payloadBytes);
    }

    void close() {
        controlSealer.close();
        synchronized (this) {
            closed = true;
            Arrays.fill(sendKey, (byte) 0);
            for (int reader = 0; reader < dataSealers.length(); reader++) {
                PacketSealer sealer = dataSealers.get(reader);
                if (sealer != null) sealer.close();
            }
            opener.close();
        }
    }

    /**
     * Who is on the other side.
     *
     * @param client        identifies the client's address lease (server side), null on the client
     * @param publicKey     base64 static key, or a label in password mode
     * @param tunnelAddress the peer's tunnel address (server side), 0 on the client
     */
    record Peer(AddressPool.ClientKey client, String publicKey, int tunnelAddress) {}
}
