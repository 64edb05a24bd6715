package io.netproxy.shell;

import io.netproxy.api.tunnel.PeerStatus;
import io.netproxy.api.tunnel.PluginKind;
import io.netproxy.api.tunnel.TunnelService;
import io.netproxy.api.tunnel.TunnelSpec;
import io.netproxy.api.tunnel.TunnelStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The operator commands, shared by Gogo and the control socket: each takes its arguments and prints
 * to {@code out} / {@code err}, returning a process-style exit code.
 */
final class Operations {
    static final long IDLE_POLL_MS = 500;

    private final TunnelService tunnels;

    Operations(TunnelService tunnels) {
        this.tunnels = tunnels;
    }

    int serve(List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        return start(TunnelSpec.Role.SERVER, args, secret, out, err);
    }

    int connect(List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        return start(TunnelSpec.Role.CLIENT, args, secret, out, err);
    }

    private int start(TunnelSpec.Role role, List<String> args, char[] secret, PrintWriter out, PrintWriter err) {
        TunnelSpec spec;
        try {
            spec = TunnelArguments.parse(role, args, secret);
        } catch (IllegalArgumentException | IOException e) {
            err.println("netproxy: " + e.getMessage());
            return 2;
        }
        try {
            TunnelStatus status = tunnels.start(spec);
            out.println(role == TunnelSpec.Role.SERVER
                    ? "serving tunnel '" + status.name() + "' on " + status.endpoint() + " (" + status.transport()
                      + "), " + status.tunInterface() + " " + status.tunAddress()
                    : "connected tunnel '" + status.name() + "' to " + status.endpoint() + " (" + status.transport()
                      + "): " + status.tunInterface()
                      + " " + status.tunAddress());
            if (status.publicKey() != null) out.println("public key " + status.publicKey());
            status.network().forEach(line -> out.println("  " + line));
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("netproxy: " + e.getMessage());
            return 1;
        } finally {
            spec.wipe();
        }
    }

    /** {@code swap [NAME] KIND IMPLEMENTATION}: moves a running tunnel to another transport, cipher suite, ... */
    int swap(List<String> args, PrintWriter out, PrintWriter err) {
        if (args.size() < 2 || args.size() > 3) {
            err.println("netproxy: swap [NAME] transport|cipher|tun|netconf IMPLEMENTATION");
            return 2;
        }
        Optional<String> name = args.size() == 3 ? Optional.of(args.get(0)) : onlyTunnel(err);
        if (name.isEmpty()) return 1;
        List<String> what = args.subList(args.size() - 2, args.size());
        try {
            PluginKind kind = PluginKind.ofWord(what.get(0));
            tunnels.swap(name.get(), kind, what.get(1));
            out.println("tunnel '" + name.get() + "': " + kind.word() + " is now " + what.get(1));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("netproxy: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("netproxy: tunnel '" + name.get() + "' runs on as before: " + e.getMessage());
            return 1;
        }
    }

    int disconnect(List<String> args, PrintWriter out, PrintWriter err) {
        Optional<String> name = args.isEmpty() ? onlyTunnel(err) : Optional.of(args.get(0));
        if (name.isEmpty()) return 1;
        try {
            if (!tunnels.stop(name.get())) {
                err.println("netproxy: no tunnel named '" + name.get() + "'");
                return 1;
            }
            out.println("stopped tunnel '" + name.get() + "'; host network settings restored");
            return 0;
        } catch (IOException e) {
            err.println("netproxy: tunnel '" + name.get() + "' stopped, but restoring the host failed: " + e.getMessage());
            return 1;
        }
    }

    private Optional<String> onlyTunnel(PrintWriter err) {
        List<TunnelStatus> all = tunnels.tunnels();
        if (all.size() == 1) return Optional.of(all.get(0).name());
        err.println(all.isEmpty() ? "netproxy: no tunnel is running"
                : "netproxy: several tunnels run; name one of " + all.stream().map(TunnelStatus::name).toList());
        return Optional.empty();
    }

    int status(PrintWriter out) {
        List<TunnelStatus> all = tunnels.tunnels();
        if (all.isEmpty()) out.println("no tunnels");
        for (TunnelStatus t : all) {
            out.printf("tunnel %s: %s %s, %s %s, endpoint %s (%s)%n", t.name(), t.role().name().toLowerCase(), t.state(),
                    t.tunInterface(), t.tunAddress(), t.endpoint(), t.transport());
            out.printf("  transport %s, TUN backend %s, network configurator %s%n", t.transport(), t.tunBackend(),
                    t.netconf());
            if (t.publicKey() != null) out.println("  public key " + t.publicKey());
            t.network().forEach(line -> out.println("  host: " + line));
            printPeers(t, out);
            Map<String, Long> counters = new TreeMap<>(t.counters());
            StringBuilder line = new StringBuilder("  counters:");
            counters.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            out.println(line);
        }
        return 0;
    }

    int peers(List<String> args, PrintWriter out, PrintWriter err) {
        Optional<String> name = args.isEmpty() ? onlyTunnel(err) : Optional.of(args.get(0));
        if (name.isEmpty()) return 1;
        Optional<TunnelStatus> tunnel = tunnels.tunnel(name.get());
        if (tunnel.isEmpty()) {
            err.println("netproxy: no tunnel named '" + name.get() + "'");
            return 1;
        }
        printPeers(tunnel.get(), out);
        return 0;
    }

    private static void printPeers(TunnelStatus t, PrintWriter out) {
        if (t.peers().isEmpty()) out.println("  no peers");
        SimpleDateFormat time = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
        for (PeerStatus p : t.peers()) {
            out.printf("  peer %s at %s: tunnel address %s, %s, handshake %s, rx %d B, tx %d B%n", p.publicKey(),
                    p.endpoint(), p.tunnelAddress(), p.cipher(), time.format(new Date(p.lastHandshakeEpochMs())),
                    p.rxBytes(), p.txBytes());
        }
    }

    /** Reverts what killed instances left on the host, through every installed configurator. */
    int cleanup(PrintWriter out, PrintWriter err) {
        try {
            List<String> reverted = tunnels.cleanup();
            reverted.forEach(out::println);
            if (reverted.isEmpty()) out.println("nothing to revert: no killed run left changes in this network namespace");
            return 0;
        } catch (IOException e) {
            err.println("netproxy: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Blocks until tunnels have run and none is left; what a detached or foreground instance waits on.
     * Polls every {@link #IDLE_POLL_MS} ms: awaitStopped returns at once for a tunnel that has stopped but is still
     * listed, and the loop must not spin on it. Always 0: TunnelStatus does not say why a tunnel ended (a
     * disconnect, or a client giving up), so an instance whose last tunnel ended on its own exits like one
     * told to disconnect; the reason is in the log.
     */
    int waitIdle() throws InterruptedException {
        boolean seen = false;
        while (true) {
            List<TunnelStatus> all = tunnels.tunnels();
            if (all.isEmpty() && seen) return 0;
            seen |= !all.isEmpty();
            for (TunnelStatus t : all) tunnels.awaitStopped(t.name(), 1, TimeUnit.DAYS);
            Thread.sleep(IDLE_POLL_MS);
        }
    }
}
