package io.netproxy.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The client side of the control socket that the shell bundle serves. A request is {@code ARG} lines,
 * an optional {@code SECRET} line and {@code END}; the answer is {@code OUT}/{@code ERR} lines and
 * {@code EXIT <code>}. Values are single lines; the socket lives in a root-only directory.
 */
final class ControlClient {
    /** The exit code of a start that an exiting instance refused (the shell bundle's Operations.EXITING). */
    static final int INSTANCE_EXITING = 75;

    private final Path socket;
    private final BooleanSupplier shuttingDown;

    /** @param shuttingDown true while this JVM shuts down, when the instance closing the connection is expected */
    ControlClient(Path socket, BooleanSupplier shuttingDown) {
        this.socket = socket;
        this.shuttingDown = shuttingDown;
    }

    boolean isServing() {
        if (!Files.exists(socket)) return false;
        try (SocketChannel ignored = open()) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one command and copies its output; returns the command's exit code. */
    int call(List<String> args, char[] secret, PrintStream out, PrintStream err) throws IOException {
        try (SocketChannel channel = open()) {
            OutputStream os = Channels.newOutputStream(channel);
            StringBuilder request = new StringBuilder();
            for (String arg : args) {
                if (arg.indexOf('\n') >= 0) throw new IOException("an argument contains a line break: " + arg);
                request.append("ARG ").append(arg).append('\n');
            }
            os.write(request.toString().getBytes(StandardCharsets.UTF_8));
            if (secret != null) writeSecret(os, secret);
            os.write("END\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("OUT ")) out.println(line.substring(4));
                else if (line.startsWith("ERR ")) err.println(line.substring(4));
                else if (line.startsWith("EXIT ")) return Integer.parseInt(line.substring(5).trim());
            }
            if (!shuttingDown.getAsBoolean()) err.println("netproxy: the running instance closed the control connection");
            return 1;
        }
    }

    private static void writeSecret(OutputStream os, char[] secret) throws IOException {
        byte[] bytes = new String(secret).getBytes(StandardCharsets.UTF_8);
        byte[] prefix = "SECRET ".getBytes(StandardCharsets.UTF_8);
        os.write(prefix);
        os.write(bytes);
        os.write('\n');
        java.util.Arrays.fill(bytes, (byte) 0);
    }

    private SocketChannel open() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
