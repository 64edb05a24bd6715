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
    private final FrameReader frames = new FrameReader();
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
        return frames.read(channel);
    }

    /**
     * Whether a whole frame is buffered.
     *
     * @throws IOException when the next frame's length is not allowed: the stream cannot be parsed past it
     */
    boolean hasFrame() throws IOException {
        return frames.hasFrame(remote);
    }

    /** Copies the next whole frame's datagram into the batch's slot, behind its headroom. Call after hasFrame(). */
    void takeFrame(PacketBatch batch, int slot, long nowNanos) {
        int headroom = batch.headroom();
        int kept = frames.take(batch.buffer(slot), headroom, batch.bufferSize() - headroom);
        batch.set(slot, headroom, kept, remote);
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
