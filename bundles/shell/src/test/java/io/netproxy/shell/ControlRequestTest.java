package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlRequestTest {
    @Test
    void readsArgumentsAndTheSecretUpToEnd() throws IOException {
        ControlRequest request = ControlRequest.read(new StringReader(
                "ARG connect\nARG vpn.example\r\nSECRET pw with spaces\nEND\nARG after-end\n"));
        assertEquals(List.of("connect", "vpn.example"), request.args());
        assertArrayEquals("pw with spaces".toCharArray(), request.secret());
        assertTrue(request.ended());
    }

    @Test
    void aProbeThatSendsNothingHasNotEnded() throws IOException {
        ControlRequest request = ControlRequest.read(new StringReader(""));
        assertEquals(List.of(), request.args());
        assertNull(request.secret());
        assertFalse(request.ended());
    }

    @Test
    void aLineLongerThanTheBoundIsRefusedWithoutReadingTheRest() {
        // an endless line: reading it all would never end, or end the heap
        Reader endless = new Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, 'x');
                return length;
            }

            @Override
            public void close() {}
        };
        IOException e = assertThrows(ControlRequest.TooLarge.class, () -> ControlRequest.read(endless));
        assertEquals("a request line has at most 65536 characters", e.getMessage());
    }

    @Test
    void aLineOfExactlyTheBoundIsTaken() throws IOException {
        String longest = "x".repeat(ControlRequest.MAX_LINE_CHARS - 4);
        assertEquals(List.of(longest), ControlRequest.read(new StringReader("ARG " + longest + "\nEND\n")).args());
    }

    @Test
    void tooManyArgumentsAreRefused() {
        String request = "ARG a\n".repeat(ControlRequest.MAX_ARGS + 1) + "END\n";
        IOException e = assertThrows(ControlRequest.TooLarge.class, () -> ControlRequest.read(new StringReader(request)));
        assertEquals("a request has at most 1024 arguments", e.getMessage());
    }
}
