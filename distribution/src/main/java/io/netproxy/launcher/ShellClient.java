package io.netproxy.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code netproxy shell} against a running instance: each line typed runs as a Gogo command there. */
final class ShellClient {
    private ShellClient() {}

    static int attach(ControlClient control, Layout layout) throws IOException {
        System.out.println("netproxy shell attached to the instance at " + layout.controlSocket()
                + " (Gogo syntax; 'exit' or Ctrl-D leaves)");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            System.out.print("g! ");
            System.out.flush();
            String line = in.readLine();
            if (line == null || line.trim().equals("exit")) return 0;
            if (line.isBlank()) continue;
            control.call(List.of("gogo", line), null, System.out, System.err);
        }
    }
}
