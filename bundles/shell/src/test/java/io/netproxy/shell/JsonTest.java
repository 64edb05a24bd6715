package io.netproxy.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void valuesObjectsAndArrays() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("name", "office");
        object.put("up", true);
        object.put("rxBytes", 1268777L);
        object.put("port", 6767);
        object.put("publicKey", null);
        object.put("peers", List.of(Map.of("key", "k"), List.of()));
        object.put("drops", Map.of());
        assertEquals("{\"name\":\"office\",\"up\":true,\"rxBytes\":1268777,\"port\":6767,\"publicKey\":null,"
                + "\"peers\":[{\"key\":\"k\"},[]],\"drops\":{}}", Json.write(object));
        assertEquals("[null,false]", Json.write(Arrays.asList(null, false)));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a \\\"quoted\\\" C:\\\\path\"", Json.write("a \"quoted\" C:\\path"));
        assertEquals("\"line\\nbreak\\r\\ttab\\b\\f\"", Json.write("line\nbreak\r\ttab\b\f"));
        assertEquals("\"\\u0000\\u001f\\u007f\"".replace("\\u007f", "\u007f"), Json.write("\u0000\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029\"", Json.write("\u2028\u2029"));
        assertEquals("\"/ é 😀\"", Json.write("/ é 😀"), "slashes and other characters as they are");
        assertEquals("\"\\ud800x\\udc00\"", Json.write("\ud800x\udc00"), "lone surrogates escaped");
        assertEquals("{\"k\\\"ey\":1}", Json.write(Map.of("k\"ey", 1)), "keys escaped too");
    }

    @Test
    void refusesWhatHasNoJsonForm() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(1.5));
    }
}
