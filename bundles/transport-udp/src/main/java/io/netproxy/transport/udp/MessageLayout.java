package io.netproxy.transport.udp;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct mmsghdr (a struct msghdr and the datagram's length) and struct iovec as a 64-bit Linux lays them out, and
 * the direct memory they live in. Fields are written through a direct {@link ByteBuffer} in host order, whose
 * absolute accessors the JIT compiles to plain loads and stores (JNA's Pointer would cost a native call each).
 */
final class MessageLayout {
    static final int HEADER_SIZE = 64;
    private static final int NAME = 0;
    private static final int NAME_LENGTH = 8;
    private static final int IOV = 16;
    private static final int IOV_LENGTH = 24;
    private static final int CONTROL = 32;
    private static final int CONTROL_LENGTH = 40;
    private static final int FLAGS = 48;
    private static final int DATAGRAM_LENGTH = 56;

    static final int IOVEC_SIZE = 16;
    private static final int IOVEC_BASE = 0;
    private static final int IOVEC_LENGTH = 8;

    /**
     * CMSG_SPACE of a UDP_SEGMENT or UDP_GRO control message: a struct cmsghdr and its segment size (a uint16 to
     * send, an int received), padded.
     */
    static final int SEGMENT_CONTROL_SPACE = 24;
    private static final int CMSG_LENGTH = 0;
    private static final int CMSG_LEVEL = 8;
    private static final int CMSG_TYPE = 12;
    private static final int CMSG_DATA = 16;

    private MessageLayout() {
    }

    static boolean supported() {
        return Native.POINTER_SIZE == 8;
    }

    /** Direct memory in host byte order, freed by the garbage collector once unreachable. */
    static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    static long addressOf(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /**
     * A header for one buffer; {@code name} 0 means no address (a connected socket's peer), {@code control} 0 no
     * control messages.
     */
    static void writeHeader(ByteBuffer memory, int header, long name, int nameLength, long iovec, long control,
            int controlLength) {
        memory.putLong(header + NAME, name);
        memory.putInt(header + NAME_LENGTH, nameLength);
        memory.putLong(header + IOV, iovec);
        memory.putLong(header + IOV_LENGTH, 1);
        memory.putLong(header + CONTROL, control);
        memory.putLong(header + CONTROL_LENGTH, controlLength);
        memory.putInt(header + FLAGS, 0);
        memory.putInt(header + DATAGRAM_LENGTH, 0);
    }

    static void writeIovec(ByteBuffer memory, int iovec, long base, long length) {
        memory.putLong(iovec + IOVEC_BASE, base);
        memory.putLong(iovec + IOVEC_LENGTH, length);
    }

    /** A UDP_SEGMENT control message of {@link #SEGMENT_CONTROL_SPACE} bytes at {@code at}. */
    static void writeSegmentSize(ByteBuffer memory, int at, int segmentSize) {
        memory.putLong(at + CMSG_LENGTH, CMSG_DATA + Short.BYTES);
        memory.putInt(at + CMSG_LEVEL, SocketCalls.SOL_UDP);
        memory.putInt(at + CMSG_TYPE, SocketCalls.UDP_SEGMENT);
        memory.putShort(at + CMSG_DATA, (short) segmentSize);
    }

    /**
     * The segment size of a UDP_GRO control message the kernel wrote for the header at {@code header}, whose
     * control buffer is at {@code control}; 0 when it wrote none (a datagram that was not coalesced).
     */
    static int receivedSegmentSize(ByteBuffer memory, int header, int control) {
        boolean written = memory.getLong(header + CONTROL_LENGTH) >= CMSG_DATA + Integer.BYTES;
        if (written && memory.getInt(control + CMSG_LEVEL) == SocketCalls.SOL_UDP
                && memory.getInt(control + CMSG_TYPE) == SocketCalls.UDP_GRO) {
            return memory.getInt(control + CMSG_DATA);
        }
        return 0;
    }

    /** The kernel writes back the lengths of the sockaddr and control messages; each receive gives full room again. */
    static void setNameAndControlLengths(ByteBuffer memory, int header, int nameLength, int controlLength) {
        memory.putInt(header + NAME_LENGTH, nameLength);
        memory.putLong(header + CONTROL_LENGTH, controlLength);
    }

    static int flags(ByteBuffer memory, int header) {
        return memory.getInt(header + FLAGS);
    }

    static int datagramLength(ByteBuffer memory, int header) {
        return memory.getInt(header + DATAGRAM_LENGTH);
    }
}
