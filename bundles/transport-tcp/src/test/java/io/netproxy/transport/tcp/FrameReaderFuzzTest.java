package io.netproxy.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The TCP framing as a peer's byte stream meets it (docs/fuzzing.md): any bytes, arriving in pieces of any size, read
 * while frames wait or not. The reader yields exactly the frames a plain reading of the stream finds, in order, each
 * cut to the room given; it fails with an IOException exactly where a length of 0 or above
 * {@link Framing#MAX_DATAGRAM} stands, and at no other point.
 */
class FrameReaderFuzzTest {
    @FuzzTest
    void streams(FuzzedDataProvider data) throws IOException {
        int room = data.consumeInt(0, Framing.MAX_DATAGRAM + 16);
        boolean drainBeforeRead = data.consumeBoolean();
        byte[] stream = data.consumeBytes(data.consumeInt(0, 64 * 1024));
        Expected expected = Expected.of(stream);

        FrameReader reader = new FrameReader();
        Pieces channel = new Pieces(stream, data);
        List<byte[]> frames = new ArrayList<>();
        boolean open = true;
        try {
            while (open) {
                if (drainBeforeRead || data.remainingBytes() == 0 || data.consumeBoolean()) drain(reader, frames, room);
                open = reader.read(channel);
            }
            drain(reader, frames, room);
        } catch (IOException e) {
            assertTrue(expected.badLength, "failed on a stream with no bad length: " + e.getMessage());
            assertEquals(expected.frames.size(), frames.size(), "frames before the bad length");
            assertFrames(expected.frames, frames, room);
            return;
        }
        assertFalse(expected.badLength, "read past a bad length");
        assertFrames(expected.frames, frames, room);
    }

    private static void drain(FrameReader reader, List<byte[]> frames, int room) throws IOException {
        while (reader.hasFrame("the fuzzer")) {
            byte[] target = new byte[room + 3];
            int kept = reader.take(target, 3, room);
            frames.add(Arrays.copyOfRange(target, 3, 3 + kept));
        }
    }

    private static void assertFrames(List<byte[]> expected, List<byte[]> actual, int room) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            byte[] whole = expected.get(i);
            assertArrayEquals(Arrays.copyOf(whole, Math.min(whole.length, room)), actual.get(i), "frame " + i);
        }
    }

    /** The frames of a stream, read the plainest way; and whether a bad length ends them. */
    private record Expected(List<byte[]> frames, boolean badLength) {
        static Expected of(byte[] stream) {
            List<byte[]> frames = new ArrayList<>();
            int at = 0;
            while (stream.length - at >= Framing.HEADER_BYTES) {
                int length = (stream[at] & 0xFF) << 8 | stream[at + 1] & 0xFF;
                if (length == 0 || length > Framing.MAX_DATAGRAM) return new Expected(frames, true);
                if (stream.length - at - Framing.HEADER_BYTES < length) break;
                frames.add(Arrays.copyOfRange(stream, at + Framing.HEADER_BYTES, at + Framing.HEADER_BYTES + length));
                at += Framing.HEADER_BYTES + length;
            }
            return new Expected(frames, false);
        }
    }

    /** A channel that hands out the stream in pieces of the fuzzer's sizes, as a socket does, then its end. */
    private static final class Pieces implements ReadableByteChannel {
        private final ByteBuffer rest;
        private final FuzzedDataProvider sizes;

        Pieces(byte[] stream, FuzzedDataProvider sizes) {
            this.rest = ByteBuffer.wrap(stream);
            this.sizes = sizes;
        }

        @Override
        public int read(ByteBuffer target) {
            if (!rest.hasRemaining()) return -1;
            int piece = sizes.remainingBytes() > 0 ? sizes.consumeInt(1, 20_000) : Integer.MAX_VALUE;
            int n = Math.min(piece, Math.min(rest.remaining(), target.remaining()));
            target.put(rest.array(), rest.position(), n);
            rest.position(rest.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
