package io.netproxy.transport.tcp;

import io.netproxy.api.PacketBatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One non-blocking TCP connection to a peer. Reading and frame parsing happen on the endpoint's receiving thread
 * only; sending from any thread, under this object's monitor: a frame is written at once when nothing is queued,
 * and whatever the socket does not take is queued (bounded by {@link Limits}) for the receiving thread to flush.
 */
final class Connection {
    /** Scratch room to put a frame's header and datagram into one write; one per sending thread. */
    private static final ThreadLocal<ByteBuffer> FRAME =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(Framing.HEADER_BYTES + Framing.MAX_DATAGRAM));

    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final Limits limits;
    private final long openedNanos;
    private SelectionKey key;

    // receiving thread only
    private final ByteBuffer in = ByteBuffer.allocate(Framing.HEADER_BYTES + Framing.MAX_DATAGRAM);
    private int frameStart;
    private volatile long lastFrameNanos;
    private volatile boolean heardFrame;

    // guarded by this
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private int queuedBytes;
    private boolean connected;
    /** Written under this object's monitor; read without it on every received frame. */
    private volatile boolean closed;

    Connection(SocketChannel channel, InetSocketAddress remote, Limits limits, boolean connected, long nowNanos) {
        this.channel = channel;
        this.remote = remote;
        this.limits = limits;
        this.connected = connected;
        this.openedNanos = nowNanos;
        this.lastFrameNanos = nowNanos;
    }

    SocketChannel channel() { return channel; }
    InetSocketAddress remote() { return remote; }
    boolean heardFrame() { return heardFrame; }

    void register(SelectionKey key) {
        this.key = key;
    }

    // ---- receiving thread --------------------------------------------------------------------------

    /** Reads what the socket has; false at the end of the stream. */
    boolean read() throws IOException {
        if (frameStart > 0) {
            // move the partial frame to the front, so a whole frame always fits behind it
            in.limit(in.position()).position(frameStart);
            in.compact();
            frameStart = 0;
        }
        return channel.read(in) >= 0;
    }

    /**
     * Whether a whole frame is buffered.
     *
     * @throws IOException when the next frame's length is not allowed: the stream cannot be parsed past it
     */
    boolean hasFrame() throws IOException {
        int buffered = in.position() - frameStart;
        if (buffered < Framing.HEADER_BYTES) return false;
        int length = in.getShort(frameStart) & 0xFFFF;
        if (length == 0 || length > Framing.MAX_DATAGRAM) {
            throw new IOException("frame of " + length + " bytes from " + remote + " (allowed: 1 to "
                    + Framing.MAX_DATAGRAM + "); closing the connection");
        }
        return buffered >= Framing.HEADER_BYTES + length;
    }

    /** Copies the next whole frame's datagram into the batch's slot, behind its headroom. Call after hasFrame(). */
    void takeFrame(PacketBatch batch, int slot, long nowNanos) {
        int length = in.getShort(frameStart) & 0xFFFF;
        int headroom = batch.headroom();
        // a datagram longer than the batch's room is cut, as a kernel cuts a UDP datagram; the AEAD then drops it
        int kept = Math.min(length, batch.bufferSize() - headroom);
        System.arraycopy(in.array(), frameStart + Framing.HEADER_BYTES, batch.buffer(slot), headroom, kept);
        batch.set(slot, headroom, kept, remote);
        frameStart += Framing.HEADER_BYTES + length;
        if (frameStart == in.position()) {
            in.clear();
            frameStart = 0;
        }
        heardFrame = true;
        lastFrameNanos = nowNanos;
    }

    /** Whether the connection outstayed a limit: no first frame in time, or silence for too long. */
    boolean timedOut(long nowNanos) {
        if (!heardFrame) return nowNanos - openedNanos > limits.firstFrameTimeout().toNanos();
        return nowNanos - lastFrameNanos > limits.idleTimeout().toNanos();
    }

    /** A client's connect finished: what was queued meanwhile goes out. */
    synchronized void connected() {
        connected = true;
        if (!out.isEmpty()) key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    /** Writes queued frames until the socket takes no more. */
    synchronized void flush() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            queuedBytes -= channel.write(head);
            if (head.hasRemaining()) return;
            out.poll();
        }
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }

    // ---- any thread ---------------------------------------------------------------------------------

    /**
     * Sends one datagram as a frame: written now when the socket has room and nothing waits before it, else
     * queued.
     *
     * @throws QueueFullException when the peer reads too slowly and the datagram is data, which is then dropped
     * @throws IOException        when the connection is closed, or stalled with handshake messages (it is closed)
     */
    synchronized void send(byte[] buf, int off, int len) throws IOException {
        if (closed) throw new ClosedChannelException();
        if (len < 1 || len > Framing.MAX_DATAGRAM) {
            throw new IOException("a datagram of " + len + " bytes does not fit a frame (1 to " + Framing.MAX_DATAGRAM + ")");
        }
        int frameBytes = Framing.HEADER_BYTES + len;
        if (connected && out.isEmpty()) {
            ByteBuffer frame = FRAME.get().clear();
            frame.putShort((short) len).put(buf, off, len).flip();
            channel.write(frame);
            if (!frame.hasRemaining()) return;
            enqueue(ByteBuffer.allocate(frame.remaining()).put(frame).flip());
            return;
        }
        if (queuedBytes + frameBytes > limits.queuedBytes()) {
            if (!Framing.isHandshake(buf, off, len)) {
                throw new QueueFullException("dropped a data message to " + remote + ": " + queuedBytes
                        + " bytes wait for the peer to read them");
            }
            if (queuedBytes + frameBytes > limits.queuedBytes() + limits.handshakeRoomBytes()) {
                throw new IOException("the peer " + remote + " has not read " + queuedBytes + " bytes; closing the connection");
            }
        }
        enqueue(ByteBuffer.allocate(frameBytes).putShort((short) len).put(buf, off, len).flip());
    }

    private void enqueue(ByteBuffer frame) {
        boolean wasEmpty = out.isEmpty();
        out.add(frame);
        queuedBytes += frame.remaining();
        if (wasEmpty && connected && key != null && key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            key.selector().wakeup();
        }
    }

    void close() {
        synchronized (this) {
            closed = true;
            out.clear();
            queuedBytes = 0;
        }
        if (key != null) key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do with a failed close of a connection we are dropping
        }
    }

    boolean isClosed() {
        return closed;
    }
}
