package io.netproxy.testkit;

import java.util.HexFormat;

/** Test vectors as hex strings; spaces are ignored. */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
