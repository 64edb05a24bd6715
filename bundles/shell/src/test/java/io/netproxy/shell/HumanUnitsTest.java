package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanUnitsTest {
    @ParameterizedTest(name = "{0} s")
    @CsvSource(delimiter = '|', textBlock = """
            -5     | just now
            0      | just now
            1      | 1 second ago
            59     | 59 seconds ago
            60     | 1 minute ago
            63     | 1 minute, 3 seconds ago
            3600   | 1 hour ago
            3723   | 1 hour, 2 minutes, 3 seconds ago
            86400  | 1 day ago
            180061 | 2 days, 2 hours, 1 minute, 1 second ago
            """)
    void agesReadLikeWgShow(long seconds, String expected) {
        assertEquals(expected, HumanUnits.age(Duration.ofSeconds(seconds)));
    }

    @ParameterizedTest(name = "{0} B")
    @CsvSource(delimiter = '|', textBlock = """
            0                   | 0 B
            1023                | 1023 B
            1024                | 1.00 KiB
            348160              | 340 KiB
            1268777             | 1.21 MiB
            10342               | 10.1 KiB
            1048575             | 1.00 MiB
            1073741824          | 1.00 GiB
            5497558138880       | 5.00 TiB
            9223372036854775807 | 8.00 EiB
            """)
    void bytesInBinaryUnitsToThreeDigits(long bytes, String expected) {
        assertEquals(expected, HumanUnits.bytes(bytes));
    }
}
