package io.netproxy.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netproxy.api.PacketBatch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which datagrams of a batch share a segmented (UDP GSO) message. */
class SendBuffersTest {
    private static final InetSocketAddress A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000);
    private static final InetSocketAddress B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2000);
    /** Equal to A, another object. */
    private static final InetSocketAddress A_AGAIN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000);

    private final SendBuffers buffers = new SendBuffers(SocketCalls.AF_INET, false);

    @Test
    void aRunToOnePeerOfOneLengthIsOneMessageEndedByAShorterDatagram() {
        PacketBatch batch = batch(new Object[][] {
            {A, 100}, {A_AGAIN, 100}, {A, 100}, {A, 60}, {A, 100}, {B, 100}, {B, 100}, {A, 100}, {A, 200}});
        buffers.fill(batch, 0, SendBuffers.MAX_SEGMENTS);
        assertEquals(List.of(4, 1, 2, 1, 1), datagramsPerMessage());
        assertEquals(List.of(0, 4, 5, 7, 8), firstSlots());
    }

    @Test
    void withoutSegmentationEveryDatagramIsAMessage() {
        PacketBatch batch = batch(new Object[][] {{A, 100}, {A, 100}, {A, 100}});
        buffers.fill(batch, 0, 1);
        assertEquals(List.of(1, 1, 1), datagramsPerMessage());
    }

    @Test
    void aMessageHoldsAtMostTheKernelsSegmentsAndSixtyFourKibibytes() {
        Object[][] small = new Object[70][];
        for (int i = 0; i < small.length; i++) small[i] = new Object[] {A, 100};
        buffers.fill(batch(small), 0, SendBuffers.MAX_SEGMENTS);
        assertEquals(List.of(64, 6), datagramsPerMessage());

        Object[][] large = new Object[40][];
        for (int i = 0; i < large.length; i++) large[i] = new Object[] {A, 2000};
        buffers.fill(batch(large), 0, SendBuffers.MAX_SEGMENTS);
        assertEquals(List.of(32, 8), datagramsPerMessage());
    }

    @Test
    void aConnectedSocketSegmentsWhateverTheSlotsAddress() {
        SendBuffers connected = new SendBuffers(SocketCalls.AF_INET, true);
        connected.fill(batch(new Object[][] {{A, 100}, {null, 100}, {B, 100}}), 0, SendBuffers.MAX_SEGMENTS);
        assertEquals(1, connected.count());
        assertEquals(3, connected.datagrams(0));
    }

    @Test
    void aRefillStartsAtTheSlotAsked() {
        PacketBatch batch = batch(new Object[][] {{A, 100}, {B, 100}, {B, 100}, {B, 100}});
        buffers.fill(batch, 2, 1);
        assertEquals(List.of(2, 3), firstSlots());
    }

    private List<Integer> datagramsPerMessage() {
        List<Integer> counts = new ArrayList<>();
        for (int message = 0; message < buffers.count(); message++) counts.add(buffers.datagrams(message));
        return counts;
    }

    private List<Integer> firstSlots() {
        List<Integer> slots = new ArrayList<>();
        for (int message = 0; message < buffers.count(); message++) slots.add(buffers.firstSlot(message));
        return slots;
    }

    /** Slots of {destination, length}. */
    private static PacketBatch batch(Object[][] slots) {
        PacketBatch batch = new PacketBatch(slots.length, 2048, 0);
        for (int slot = 0; slot < slots.length; slot++) {
            batch.set(slot, 0, (Integer) slots[slot][1], (InetSocketAddress) slots[slot][0]);
        }
        batch.setSize(slots.length);
        return batch;
    }
}
