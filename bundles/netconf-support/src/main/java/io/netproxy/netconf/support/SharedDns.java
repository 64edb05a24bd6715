package io.netproxy.netconf.support;

import io.netproxy.api.NetworkPlan;
import io.netproxy.host.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS servers that client tunnels' servers pushed, given to this namespace's resolver (see
 * {@link NamespaceResolver} for how) for as long as a plan holds them. The holders (journal keys), what each holds,
 * the method and, where a file is written, the original resolver file live in a {@link StateFile} of the journal
 * directory. A holder is recorded before the resolver is changed for it and forgotten after it was taken back, so the
 * resolver is put back when the last holder lets go, also after a crash or a failed attempt ({@link #recover}), and
 * two configurators' plans of one tunnel can hold it during a hand-over without a moment of the host's DNS.
 */
final class SharedDns implements SharedSetting {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDns.class);
    /** Debian's resolvconf orders records by /etc/resolvconf/interface-order, where tun* come before the rest. */
    private static final String RESOLVCONF_RECORD_PREFIX = "tun.netproxy-";

    /**
     * What one plan asks for.
     *
     * @param link       the TUN device
     * @param everything whether all traffic goes through the tunnel, so every name is resolved through it
     * @param search     the search domains that go with the servers (checked as NetworkPlan does), empty for none
     */
    record Holding(String link, boolean everything, List<DnsServer> servers, List<String> search) {
        Holding {
            servers = List.copyOf(servers);
            search = List.copyOf(NetworkPlan.checkSearchDomains(search));
        }
    }

    /**
     * @param original the resolver file before the first holder, where the method writes it; else null
     * @param holders  in the order they came
     */
    record State(DnsMethod method, ResolvConfOriginal original, Map<String, Holding> holders) {
        State {
            holders = new LinkedHashMap<>(holders);
        }
    }

    private final StateFile file;
    private final SystemTools tools;
    private final NamespaceResolver resolver;

    SharedDns(JournalDirectory directory, SystemTools tools, NamespaceResolver resolver) {
        this.file = new StateFile(directory, "dns");
        this.tools = tools;
        this.resolver = resolver;
    }

    @Override
    public Path stateFile() {
        return file.path();
    }

    /**
     * Adds {@code holder} and gives the resolver its servers. The first holder picks the method and records what the
     * resolver file was. Returns what was done, for the plan's description.
     */
    String hold(String holder, Holding holding) throws IOException {
        return file.locked(() -> {
            Optional<State> current = read();
            State state;
            if (current.isPresent()) {
                state = current.get();
            } else {
                DnsMethod method = resolver.choose();
                ResolvConfOriginal original = method.writesFile() ? resolver.file(method).capture() : null;
                state = new State(method, original, Map.of());
            }
            Map<String, Holding> holders = new LinkedHashMap<>(state.holders());
            holders.remove(holder);
            List<String> others = List.copyOf(holders.keySet());
            holders.put(holder, holding);
            State next = new State(state.method(), state.original(), holders);
            write(next);
            String done = give(next, holding);
            return others.isEmpty() ? done : done + ", shared with " + String.join(", ", others);
        });
    }

    @Override
    public List<String> release(String holder) throws IOException {
        return file.locked(() -> {
            Optional<State> current = read();
            if (current.isEmpty() || !current.get().holders().containsKey(holder)) return List.of();
            Map<String, Holding> rest = new LinkedHashMap<>(current.get().holders());
            rest.remove(holder);
            return settle(current.get(), rest);
        });
    }

    @Override
    public List<String> recover(Predicate<String> live) throws IOException {
        if (!Files.exists(stateFile())) return List.of();
        return file.locked(() -> {
            Optional<State> current = read();
            if (current.isEmpty()) return List.of();
            Map<String, Holding> rest = new LinkedHashMap<>();
            current.get().holders().forEach((holder, holding) -> {
                if (live.test(holder)) rest.put(holder, holding);
                else LOG.info("{} no longer runs; it no longer holds DNS servers", holder);
            });
            if (!rest.isEmpty() && rest.equals(current.get().holders())) return List.of();
            return settle(current.get(), rest);
        });
    }

    /** The recorded state, if any; read under the lock. */
    Optional<State> state() throws IOException {
        return file.locked(this::read);
    }

    /** Gives the resolver what {@code holding} asks for, in a namespace whose holders are now {@code state}'s. */
    private String give(State state, Holding holding) throws IOException {
        List<String> servers = holding.servers().stream().map(DnsServer::toString).toList();
        switch (state.method()) {
            case RESOLVECTL -> {
                List<String> dns = new ArrayList<>(List.of("dns", holding.link()));
                dns.addAll(servers);
                tools.run(Tool.RESOLVECTL, dns, "");
                // search domains also send their names to the link's servers; ~. sends every name there
                List<String> domains = new ArrayList<>(holding.search());
                if (holding.everything()) domains.add("~.");
                if (!domains.isEmpty()) {
                    List<String> domain = new ArrayList<>(List.of("domain", holding.link()));
                    domain.addAll(domains);
                    tools.run(Tool.RESOLVECTL, domain, "");
                }
                return "DNS servers " + String.join(", ", servers) + " on link " + holding.link()
                        + " of systemd-resolved" + searching(holding.search())
                        + (holding.everything() ? ", for every name (~.)" : "");
            }
            case RESOLVCONF -> {
                tools.run(Tool.RESOLVCONF, List.of("-a", RESOLVCONF_RECORD_PREFIX + holding.link()),
                        resolvConfText(List.of(holding)));
                return "DNS servers " + String.join(", ", servers) + searching(holding.search())
                        + " in resolvconf's record " + RESOLVCONF_RECORD_PREFIX + holding.link();
            }
            default -> {
                ResolvConfFile resolvConf = resolver.file(state.method());
                resolvConf.write(resolvConfText(state.holders().values()));
                return "DNS servers " + String.join(", ", servers) + searching(holding.search()) + " in "
                        + resolvConf.path() + " (was "
                        + state.original().describe() + "; put back when the tunnel stops)";
            }
        }
    }

    /**
     * Takes back what the holders missing from {@code rest} held, then records {@code rest} (or forgets the state when
     * none is left). When taking back fails, the state stays as it was, so that {@link #recover} retries it.
     */
    private List<String> settle(State state, Map<String, Holding> rest) throws IOException {
        List<String> reverted = new ArrayList<>();
        try {
            if (state.method().writesFile()) {
                ResolvConfFile resolvConf = resolver.file(state.method());
                if (rest.isEmpty()) {
                    resolvConf.restore(state.original());
                    reverted.add("DNS: put back " + resolvConf.path() + ": " + state.original().describe());
                } else {
                    resolvConf.write(resolvConfText(rest.values()));
                }
            } else {
                Set<String> linksLeft = new LinkedHashSet<>();
                rest.values().forEach(holding -> linksLeft.add(holding.link()));
                for (Holding gone : state.holders().values()) {
                    if (linksLeft.add(gone.link())) reverted.add(takeBack(state.method(), gone.link()));
                }
            }
        } catch (IOException e) {
            throw new IOException("could not put the DNS settings back (kept in " + stateFile()
                    + " for recover() to retry): " + e.getMessage(), e);
        }
        reverted.forEach(line -> LOG.info("reverted: {}", line));
        if (rest.isEmpty()) file.delete();
        else write(new State(state.method(), state.original(), rest));
        return reverted;
    }

    private String takeBack(DnsMethod method, String link) throws IOException {
        if (method == DnsMethod.RESOLVCONF) {
            // -f: a record that is gone already is no error
            tools.run(Tool.RESOLVCONF, "-d", RESOLVCONF_RECORD_PREFIX + link, "-f");
            return "DNS: removed resolvconf's record " + RESOLVCONF_RECORD_PREFIX + link;
        }
        try {
            tools.run(Tool.RESOLVECTL, "revert", link);
        } catch (CommandFailedException e) {
            if (!Tool.RESOLVECTL.saysAlreadyGone(e.stderr())) throw e;
            return "DNS: link " + link + " is gone, and its DNS servers with it";
        }
        return "DNS: reverted the DNS settings of link " + link + " in systemd-resolved";
    }

    private static String searching(List<String> search) {
        return search.isEmpty() ? "" : " searching " + String.join(" ", search);
    }

    /**
     * The resolver file for these holdings: each server and search domain once, in the order the holders came, the
     * domains as many as one search line takes (older resolvers read six, some 256 characters; the first holders' win).
     */
    static String resolvConfText(Iterable<Holding> holdings) {
        Set<String> servers = new LinkedHashSet<>();
        Map<String, String> search = new LinkedHashMap<>();
        Set<String> links = new LinkedHashSet<>();
        for (Holding holding : holdings) {
            holding.servers().forEach(server -> servers.add(server.toString()));
            for (String domain : holding.search()) {
                String key = domain.toLowerCase(Locale.ROOT);
                if (search.containsKey(key)) continue;
                if (search.size() < NetworkPlan.MAX_SEARCH_DOMAINS && String.join(" ", search.values()).length() + 1
                        + domain.length() <= NetworkPlan.MAX_SEARCH_CHARACTERS) {
                    search.put(key, domain);
                } else {
                    LOG.warn("DNS: the search domain {} of the tunnel on {} does not fit on the resolver's search line "
                            + "beside those of the tunnels before it; left out", domain, holding.link());
                }
            }
            links.add(holding.link());
        }
        StringBuilder text = new StringBuilder("# written by netproxy for the tunnel on " + String.join(", ", links)
                + "; put back as it was when the tunnel stops\n");
        servers.forEach(server -> text.append("nameserver ").append(server).append('\n'));
        if (!search.isEmpty()) text.append("search ").append(String.join(" ", search.values())).append('\n');
        return text.toString();
    }

    private Optional<State> read() throws IOException {
        return file.read(SharedDns::parse);
    }

    private void write(State state) throws IOException {
        file.write(render(state));
    }

    static String render(State state) {
        StringBuilder text = new StringBuilder("# netproxy: DNS servers held by the tunnels (journal keys) below; the "
                + "last one to let go puts the resolver back\n");
        text.append("method ").append(state.method().word()).append('\n');
        if (state.original() != null) text.append("original ").append(state.original().encode()).append('\n');
        state.holders().forEach((holder, holding) -> text.append("holder ").append(holder).append(' ')
                .append(holding.link()).append(' ').append(holding.everything() ? "everything" : "routes").append(' ')
                .append(String.join(",", holding.servers().stream().map(DnsServer::toString).toList()))
                .append(holding.search().isEmpty() ? "" : " " + String.join(",", holding.search())).append('\n'));
        return text.toString();
    }

    static State parse(String text) throws IOException {
        DnsMethod method = null;
        ResolvConfOriginal original = null;
        Map<String, Holding> holders = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] fields = line.split(" ", 2);
            String[] holding = fields.length == 2 ? fields[1].split(" ") : new String[0];
            try {
                if (fields[0].equals("method") && fields.length == 2 && method == null) {
                    method = DnsMethod.byWord(fields[1]);
                } else if (fields[0].equals("original") && fields.length == 2 && original == null) {
                    original = ResolvConfOriginal.decode(fields[1]);
                } else if (fields[0].equals("holder") && (holding.length == 4 || holding.length == 5)
                        && (holding[2].equals("everything") || holding[2].equals("routes"))) {
                    List<DnsServer> servers = new ArrayList<>();
                    for (String server : holding[3].split(",")) servers.add(DnsServer.parse(server, "DNS server"));
                    // the search domains, when there are any (and in no state file before they existed)
                    List<String> search = holding.length == 5 ? List.of(holding[4].split(",", -1)) : List.of();
                    holders.put(JournalKey.parse(holding[0]).toString(), new Holding(
                            NetworkNames.requireInterface(holding[1], "DNS link"), holding[2].equals("everything"), servers,
                            search));
                } else {
                    throw new IOException("malformed line: " + line);
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("malformed line: " + line, e);
            }
        }
        if (method == null) throw new IOException("no DNS method recorded");
        if (method.writesFile() && original == null) throw new IOException("no original resolver file recorded");
        return new State(method, original, holders);
    }
}
