package io.netproxy.netconf.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sysctl that several tunnels need at one value, such as {@code net.ipv4.ip_forward=1} for every server
 * tunnel of a network namespace. Its value from before the first holder and the ids of the tunnels holding it
 * live in a small file of the journal directory, so the value goes back only when the last holder lets go,
 * also when the holders run in different processes or crashed.
 *
 * <p>Holders are journal keys ({@code <tunnelId>.<configurator>}): while a tunnel is handed from one configurator
 * to the other, both hold the setting, and the first to let go leaves it to the second.
 *
 * <p>The {@link StateFile} is rewritten always before the sysctl is changed, and every read-modify-write runs under
 * its lock. A state without holders means that the original value still has to be restored (a restore failed or was
 * interrupted); {@link #recover} retries it.
 */
final class SharedSysctl implements SharedSetting {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSysctl.class);
    private static final String ORIGINAL = "original";
    private static final String HOLDER = "holder";

    /** What the file records: the value before the first holder and who holds the setting now. */
    record State(String original, SortedSet<String> holders) {
        State {
            holders = new TreeSet<>(holders);
        }
    }

    private final StateFile file;
    private final SystemTools tools;
    private final String name;
    private final String wanted;

    SharedSysctl(JournalDirectory directory, SystemTools tools, String name, String wanted) {
        this.file = new StateFile(directory, name);
        this.tools = tools;
        this.name = name;
        this.wanted = wanted;
    }

    static SharedSysctl ipForward(JournalDirectory directory, SystemTools tools) {
        return new SharedSysctl(directory, tools, "net.ipv4.ip_forward", "1");
    }

    /** IPv6 forwarding on every interface, which is how Linux turns IPv6 routing on. */
    static SharedSysctl ipv6Forward(JournalDirectory directory, SystemTools tools) {
        return new SharedSysctl(directory, tools, "net.ipv6.conf.all.forwarding", "1");
    }

    String name() {
        return name;
    }

    @Override
    public Path stateFile() {
        return file.path();
    }

    /**
     * Adds {@code holder} and sets the wanted value. The first holder records the value found; later ones keep
     * it. The holder is recorded before the value changes. Returns what was done, for the plan's description.
     */
    String hold(String holder) throws IOException {
        return file.locked(() -> {
            Optional<State> current = read();
            String value = tools.run(Tool.SYSCTL, "-n", name).strip();
            if (!value.matches("[0-9]+")) throw new IOException("unexpected value of " + name + ": '" + value + "'");
            State state = current.orElseGet(() -> new State(value, new TreeSet<>()));
            SortedSet<String> others = new TreeSet<>(state.holders());
            others.remove(holder);
            SortedSet<String> holders = new TreeSet<>(others);
            holders.add(holder);
            write(new State(state.original(), holders));
            StringBuilder done = new StringBuilder(name);
            if (value.equals(wanted)) {
                done.append(" was already ").append(wanted);
            } else {
                tools.run(Tool.SYSCTL, "-q", "-w", name + "=" + wanted);
                done.append(" set to ").append(wanted).append(" (was ").append(value).append(')');
            }
            if (!others.isEmpty()) {
                done.append(", shared with tunnel(s) ").append(String.join(", ", others))
                        .append("; the last one to close restores ").append(state.original());
            }
            return done.toString();
        });
    }

    @Override
    public List<String> release(String holder) throws IOException {
        return file.locked(() -> {
            Optional<State> current = read();
            if (current.isEmpty() || !current.get().holders().contains(holder)) return List.of();
            SortedSet<String> rest = new TreeSet<>(current.get().holders());
            rest.remove(holder);
            return settle(new State(current.get().original(), rest));
        });
    }

    @Override
    public List<String> recover(Predicate<String> live) throws IOException {
        if (!Files.exists(stateFile())) return List.of();
        return file.locked(() -> {
            Optional<State> current = read();
            if (current.isEmpty()) return List.of();
            SortedSet<String> rest = new TreeSet<>();
            for (String holder : current.get().holders()) {
                if (live.test(holder)) {
                    rest.add(holder);
                } else {
                    LOG.info("{} no longer runs; it no longer holds {}", holder, name);
                }
            }
            if (!rest.isEmpty() && rest.equals(current.get().holders())) return List.of();
            return settle(new State(current.get().original(), rest));
        });
    }

    /** The recorded state, if any; read under the lock. */
    Optional<State> state() throws IOException {
        return file.locked(this::read);
    }

    /** Records {@code state}; without holders, restores the original value and then forgets it. */
    private List<String> settle(State state) throws IOException {
        write(state);
        if (!state.holders().isEmpty()) return List.of();
        List<String> reverted = new ArrayList<>();
        if (!state.original().equals(wanted)) {
            try {
                tools.run(Tool.SYSCTL, "-q", "-w", name + "=" + state.original());
            } catch (IOException e) {
                throw new IOException("could not restore " + name + "=" + state.original() + " after its last holder "
                        + "let go (kept in " + stateFile() + " for recover() to retry): " + e.getMessage(), e);
            }
            reverted.add(name + ": restore " + name + "=" + state.original() + " (no tunnel needs it anymore)");
            LOG.info("reverted: restore {}={}, no tunnel needs it anymore", name, state.original());
        }
        file.delete();
        return reverted;
    }

    private Optional<State> read() throws IOException {
        return file.read(SharedSysctl::parse);
    }

    static State parse(String text) throws IOException {
        String original = null;
        SortedSet<String> holders = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] fields = line.split(" ", 2);
            if (fields.length == 2 && fields[0].equals(ORIGINAL) && fields[1].matches("[0-9]+") && original == null) {
                original = fields[1];
            } else if (fields.length == 2 && fields[0].equals(HOLDER)) {
                try {
                    holders.add(JournalKey.parse(fields[1]).toString());
                } catch (IllegalArgumentException e) {
                    throw new IOException("malformed line: " + line, e);
                }
            } else {
                throw new IOException("malformed line: " + line);
            }
        }
        if (original == null) throw new IOException("no original value recorded");
        return new State(original, holders);
    }

    String render(State state) {
        StringBuilder text = new StringBuilder("# netproxy: " + name + " is shared by the tunnels (journal "
                + "keys) below; the last one to let go restores the original value\n");
        text.append(ORIGINAL).append(' ').append(state.original()).append('\n');
        state.holders().forEach(holder -> text.append(HOLDER).append(' ').append(holder).append('\n'));
        return text.toString();
    }

    private void write(State state) throws IOException {
        file.write(render(state));
    }
}
