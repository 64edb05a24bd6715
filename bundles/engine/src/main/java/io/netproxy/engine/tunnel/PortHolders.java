package io.netproxy.engine.tunnel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds a port in this network namespace, from the kernel's socket tables ({@code /proc/net/tcp} and the like) and
 * the processes' descriptors: what a server that cannot listen says, so that "address already in use" names the
 * socket and its process instead of leaving the operator to guess.
 */
final class PortHolders {
    private static final List<String> TABLES = List.of("tcp", "tcp6", "udp", "udp6");
    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    private PortHolders() {}

    /** The sockets on {@code port}, one description each, such as {@code tcp6 LISTEN, pid 4242 (java)}; empty if none. */
    static List<String> of(int port) {
        Map<String, String> owners = null;
        List<String> holders = new ArrayList<>();
        for (String table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc/net", table));
            } catch (IOException e) {
                continue; // a family this kernel does not have
            }
            for (Socket socket : parse(table, lines, port)) {
                if (owners == null) owners = socketOwners();
                String owner = owners.get(socket.inode());
                holders.add(socket.describe() + (owner == null ? "" : ", " + owner));
            }
        }
        return holders;
    }

    /** A socket of a table: its table, state and inode (0 for one no process holds any more). */
    record Socket(String table, String state, String inode) {
        String describe() {
            return table + " " + state;
        }
    }

    /** The sockets of one table whose local port is {@code port}. */
    static List<Socket> parse(String table, List<String> lines, int port) {
        List<Socket> sockets = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10) continue;
            String local = fields[1];
            int colon = local.lastIndexOf(':');
            if (colon < 0 || Integer.parseInt(local.substring(colon + 1), 16) != port) continue;
            int state = Integer.parseInt(fields[3], 16);
            String name = !table.startsWith("tcp") ? (state == 1 ? "connected" : "bound")
                    : state < TCP_STATES.length ? TCP_STATES[state] : fields[3];
            sockets.add(new Socket(table, name, fields[9]));
        }
        return sockets;
    }

    /** Socket inode to "pid N (command)", for every process this one may look at. */
    private static Map<String, String> socketOwners() {
        Map<String, String> owners = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
                    String command = null;
                    for (Path descriptor : descriptors) {
                        String target = Files.readSymbolicLink(descriptor).toString();
                        if (!target.startsWith("socket:[")) continue;
                        if (command == null) command = Files.readString(process.resolve("comm")).trim();
                        owners.putIfAbsent(target.substring(8, target.length() - 1),
                                "pid " + process.getFileName() + " (" + command + ")");
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended, or its descriptors are not ours to read
                }
            }
        } catch (IOException e) {
            return owners;
        }
        return owners;
    }
}
