package io.netproxy.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Cuts one connection's byte stream into its datagrams ({@link Framing}), whatever pieces the stream arrives in. It
 * holds at most one frame's bytes behind the frames not yet taken, so no peer can make it grow. Receiving thread only.
 */
final class FrameReader {
    private final ByteBuffer in = ByteBuffer.allocate(Framing.HEADER_BYTES + Framing.MAX_DATAGRAM);
    private int frameStart;

    /** Reads what the channel has; false at the end of the stream. */
    boolean read(ReadableByteChannel channel) throws IOException {
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
     * @param from the peer, for the message
     * @throws IOException when the next frame's length is not allowed: the stream cannot be parsed past it
     */
    boolean hasFrame(Object from) throws IOException {
        int buffered = in.position() - frameStart;
        if (buffered < Framing.HEADER_BYTES) return false;
        int length = in.getShort(frameStart) & 0xFFFF;
        if (length == 0 || length > Framing.MAX_DATAGRAM) {
            throw new IOException("frame of " + length + " bytes from " + from + " (allowed: 1 to "
                    + Framing.MAX_DATAGRAM + "); closing the connection");
        }
        return buffered >= Framing.HEADER_BYTES + length;
    }

    /**
     * Copies the next whole frame's datagram to {@code target[off]}, and goes past it. A datagram longer than
     * {@code room} is cut, as a kernel cuts a UDP datagram (the AEAD then drops it). Call after hasFrame().
     *
     * @return the bytes copied
     */
    int take(byte[] target, int off, int room) {
        int length = in.getShort(frameStart) & 0xFFFF;
        int kept = Math.min(length, room);
        System.arraycopy(in.array(), frameStart + Framing.HEADER_BYTES, target, off, kept);
        frameStart += Framing.HEADER_BYTES + length;
        if (frameStart == in.position()) {
            in.clear();
            frameStart = 0;
        }
        return kept;
    }
}
