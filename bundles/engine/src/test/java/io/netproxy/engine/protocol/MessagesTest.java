package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MessagesTest {

    @Test
    void fixedLengthsMatchTheDocumentedLayout() {
        assertEquals(173, Messages.INITIATION_LENGTH);
        assertEquals(204, Messages.RESPONSE_LENGTH);
        assertEquals(16, Messages.DATA_HEADER_LENGTH);
    }

    @Test
    void dataHeaderRoundTripsWithUnsignedValues() {
        byte[] buf = new byte[40];
        Messages.writeDataHeader(buf, 3, 0xFEDCBA98, 0x0123456789ABCDEFL);
        assertEquals(Messages.TYPE_DATA, Messages.type(buf, 3, 32));
        assertEquals(0xFEDCBA98, Messages.receiverIndex(buf, 3));
        assertEquals(0x0123456789ABCDEFL, Messages.counter(buf, 3));
        // Little-endian on the wire.
        assertEquals((byte) 0x98, buf[3 + 4]);
        assertEquals((byte) 0xEF, buf[3 + 8]);
        assertEquals((byte) 0x01, buf[3 + 15]);
    }

    @Test
    void typeRequiresTheRightLengthAndZeroReservedBytes() {
        byte[] data = new byte[Messages.DATA_HEADER_LENGTH];
        Messages.writeDataHeader(data, 0, 1, 1);
        assertEquals(Messages.TYPE_DATA, Messages.type(data, 0, data.length));
        assertEquals(-1, Messages.type(data, 0, data.length - 1));
        data[2] = 1;
        assertEquals(-1, Messages.type(data, 0, data.length));

        byte[] initiation = new byte[Messages.INITIATION_LENGTH + 1];
        initiation[0] = Messages.TYPE_INITIATION;
        assertEquals(Messages.TYPE_INITIATION, Messages.type(initiation, 0, Messages.INITIATION_LENGTH));
        assertEquals(-1, Messages.type(initiation, 0, Messages.INITIATION_LENGTH + 1));
        assertEquals(-1, Messages.type(initiation, 0, Messages.INITIATION_LENGTH - 1));

        byte[] response = new byte[Messages.RESPONSE_LENGTH];
        response[0] = Messages.TYPE_RESPONSE;
        assertEquals(Messages.TYPE_RESPONSE, Messages.type(response, 0, response.length));
        assertEquals(-1, Messages.type(response, 0, response.length - 1));

        byte[] cookie = new byte[Messages.COOKIE_REPLY_LENGTH + 1];
        cookie[0] = Messages.TYPE_COOKIE;
        assertEquals(Messages.TYPE_COOKIE, Messages.type(cookie, 0, Messages.COOKIE_REPLY_LENGTH));
        assertEquals(-1, Messages.type(cookie, 0, Messages.COOKIE_REPLY_LENGTH + 1));
        assertEquals(-1, Messages.type(cookie, 0, Messages.COOKIE_REPLY_LENGTH - 1));

        byte[] other = new byte[64];
        for (int type : new int[] {0, 5, 255}) {
            other[0] = (byte) type;
            assertEquals(-1, Messages.type(other, 0, other.length), "type " + type);
        }
        assertEquals(-1, Messages.type(other, 0, 3));
    }

    @Test
    void receiverIndexReadsTheRightFieldPerType() {
        byte[] response = new byte[Messages.RESPONSE_LENGTH];
        response[0] = Messages.TYPE_RESPONSE;
        Messages.writeIntLE(111, response, Messages.RESPONSE_SENDER_OFFSET);
        Messages.writeIntLE(222, response, Messages.RESPONSE_RECEIVER_OFFSET);
        assertEquals(222, Messages.receiverIndex(response, 0));
        assertEquals(222, Messages.responseReceiverIndex(response, 0));
    }
}
