import io.netproxy.engine.protocol.CookieJar;
import io.netproxy.engine.protocol.HandshakeException;
import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A handshake load generator: complete netproxy handshakes against a running server over UDP, many in flight, for a
 * fixed time, and what they cost the server. Run with the JDK's source launcher and the distribution's jars:
 *
 * <pre>
 * java -cp bundle/engine-*.jar:bundle/api-*.jar:bundle/bcprov-*.jar bench/HandshakeLoad.java run \
 *     --server 198.51.100.10:6767 --password-file F [--clients 128] [--warmup 3] [--duration 10] [--server-pid PID]
 * java ... bench/HandshakeLoad.java run --server H:P --server-key PUB --client-keys FILE ...
 * java ... bench/HandshakeLoad.java keys FILE N      (N private keys, 0600; prints their public keys)
 * </pre>
 *
 * Each of {@code --clients} simulated clients has one handshake outstanding at a time, so that many are in flight.
 * A client is one identity to the server (a key pair of its own), which rekeys again and again; its timestamps are
 * 17 ms apart (more than TAI64N's 16.8 ms grain) so the server never sees a replay. A client faster than 59
 * handshakes/s runs ahead of the clock, which password mode tolerates up to 15 minutes. In password mode the generator
 * first fetches the server's parameters, then proves each client's key with one handshake and a keepalive, one client
 * after the other: a proven key is exempt from the server's budget of password guesses, as a connected client is.
 * A handshake counts as completed when its response arrives in time and, checked after the run, completes it.
 *
 * <p>All simulated clients share one socket, so one cookie: a server under load (enough handshakes waiting) answers
 * with cookie replies, after which the generator re-sends the initiation with mac2, as a client does, and puts mac2 in
 * every initiation from then on.
 *
 * <p>Building an initiation costs three X25519 operations and checking a response two, about what the server spends
 * on a handshake: done live, the generator would be as much the limit as the server. So initiations are built
 * before the run and responses are checked after it; during the run the generator only sends and receives.
 */
public final class HandshakeLoad {
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("keys")) {
            KeyFile.write(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (args.length == 0 || !args[0].equals("run")) {
            System.err.println("usage: HandshakeLoad.java run --server HOST:PORT (--password-file F | --server-key PUB"
                    + " --client-keys F) [--clients N] [--warmup S] [--duration S] [--timeout-ms MS] [--prepare N]"
                    + " [--server-pid PID]\n       HandshakeLoad.java keys FILE N");
            System.exit(2);
        }
        Options options = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        Credentials credentials = Credentials.of(options);
        long started = System.nanoTime();
        PreparedHandshakes prepared = PreparedHandshakes.build(credentials, options.clients, options.prepare);
        System.err.printf("prepared %d initiations for %d clients in %.1f s%n", options.prepare, options.clients,
                (System.nanoTime() - started) / 1e9);
        Outcome outcome = new LoadRun(options, prepared, credentials).run();
        outcome.print();
    }
}

/** The command line of {@code run}. */
final class Options {
    InetSocketAddress server;
    Path passwordFile;
    String serverKey;
    Path clientKeys;
    int clients = 128;
    double warmupSeconds = 3;
    double durationSeconds = 10;
    long timeoutMillis = 1000;
    /** Enough for the warm-up and the run at 3,000 handshakes/s unless given. */
    int prepare = -1;
    long serverPid = -1;

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
            String value = args[i + 1];
            switch (args[i]) {
                case "--server" -> {
                    int colon = value.lastIndexOf(':');
                    o.server = new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
                }
                case "--password-file" -> o.passwordFile = Path.of(value);
                case "--server-key" -> o.serverKey = value;
                case "--client-keys" -> o.clientKeys = Path.of(value);
                case "--clients" -> o.clients = Integer.parseInt(value);
                case "--warmup" -> o.warmupSeconds = Double.parseDouble(value);
                case "--duration" -> o.durationSeconds = Double.parseDouble(value);
                case "--timeout-ms" -> o.timeoutMillis = Long.parseLong(value);
                case "--prepare" -> o.prepare = Integer.parseInt(value);
                case "--server-pid" -> o.serverPid = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (o.server == null) throw new IllegalArgumentException("--server HOST:PORT is required");
        if ((o.passwordFile == null) == (o.serverKey == null)) {
            throw new IllegalArgumentException("either --password-file or --server-key with --client-keys");
        }
        if (o.prepare < 0) o.prepare = (int) (3000 * (o.warmupSeconds + o.durationSeconds));
        o.prepare = Math.max(o.prepare, o.clients);
        return o;
    }
}

/** Who the simulated clients are to the server: a key each, and in password mode the server's password secrets. */
record Credentials(byte[] serverPublicKey, List<StaticIdentity> clientKeys, PasswordSecrets password) {
    static Credentials of(Options options) throws IOException {
        if (options.passwordFile != null) {
            char[] password = Files.readString(options.passwordFile, StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("").toCharArray();
            ParametersExchange.ServerParameters parameters = PasswordClients.fetchParameters(options.server);
            PasswordSecrets secrets = PasswordSecrets.of(PasswordSecrets.prs(password, parameters.salt()),
                    parameters.serverPublicKey());
            Arrays.fill(password, '\0');
            List<StaticIdentity> keys = new ArrayList<>();
            for (int i = 0; i < options.clients; i++) keys.add(PasswordClients.proven(options.server, secrets));
            return new Credentials(parameters.serverPublicKey(), keys, secrets);
        }
        if (options.clientKeys == null) throw new IllegalArgumentException("key mode needs --client-keys");
        List<StaticIdentity> keys = KeyFile.read(options.clientKeys);
        if (keys.size() < options.clients) {
            // the server knows each client by its key, and a key handshakes once at a time
            throw new IllegalArgumentException(options.clientKeys + " holds " + keys.size() + " keys for "
                    + options.clients + " clients");
        }
        return new Credentials(Base64.getDecoder().decode(options.serverKey.trim()), keys, null);
    }

    Initiator initiator(int client, int index, InitiationPayload payload) {
        StaticIdentity key = clientKeys.get(client);
        return password != null ? Initiator.withPassword(key, password, index, payload)
                : new Initiator(key, serverPublicKey, new byte[32], index, payload);
    }

    int initiationLength() {
        return password != null ? Messages.PASSWORD_INITIATION_LENGTH : Messages.INITIATION_LENGTH;
    }

    int responseLength() {
        return password != null ? Messages.PASSWORD_RESPONSE_LENGTH : Messages.RESPONSE_LENGTH;
    }

    int responseType() {
        return password != null ? Messages.TYPE_PASSWORD_RESPONSE : Messages.TYPE_RESPONSE;
    }
}

/** Password mode's client side: the parameters exchange, and keys proven to the server before the run. */
final class PasswordClients {
    private static final int AES_256_GCM = 2;

    static ParametersExchange.ServerParameters fetchParameters(InetSocketAddress server) throws IOException {
        ParametersExchange.Request request = new ParametersExchange.Request();
        byte[] reply = exchange(server, request.message(), Messages.PARAMETERS_LENGTH);
        try {
            return request.consume(reply, 0, reply.length);
        } catch (HandshakeException e) {
            throw new IOException("the server's parameters were rejected: " + e.reason());
        }
    }

    /** A new client key, after a handshake with it and a keepalive on its session: proof of the password. */
    static StaticIdentity proven(InetSocketAddress server, PasswordSecrets secrets) throws IOException {
        StaticIdentity key = StaticIdentity.generate();
        byte[] clientId = new byte[InitiationPayload.CLIENT_ID_LENGTH];
        new SecureRandom().nextBytes(clientId);
        Initiator initiator = Initiator.withPassword(key, secrets, new SecureRandom().nextInt() | 1,
                new InitiationPayload(clientId, new int[] {AES_256_GCM}));
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(server);
            byte[] response = exchange(channel, initiator.initiation(System.currentTimeMillis()),
                    Messages.PASSWORD_RESPONSE_LENGTH);
            Initiator.Result result = initiator.consumeResponse(response, 0, response.length);
            channel.write(ByteBuffer.wrap(keepalive(result.keys().sendKey(), result.keys().remoteIndex())));
        } catch (HandshakeException e) {
            throw new IOException("the server's response was rejected: " + e.reason() + " (is the password right?)");
        }
        return key;
    }

    /** An empty data message, counter 0, sealed with AES-256-GCM: a client's key confirmation. */
    private static byte[] keepalive(byte[] sendKey, int receiverIndex) throws IOException {
        byte[] header = new byte[Messages.DATA_HEADER_LENGTH];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).put(0, (byte) Messages.TYPE_DATA).putInt(4, receiverIndex);
        try {
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sendKey, "AES"), new GCMParameterSpec(128, new byte[12]));
            aes.updateAAD(header);
            byte[] tag = aes.doFinal();
            byte[] message = Arrays.copyOf(header, header.length + tag.length);
            System.arraycopy(tag, 0, message, header.length, tag.length);
            return message;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] exchange(InetSocketAddress server, byte[] message, int answerLength) throws IOException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(server);
            return exchange(channel, message, answerLength);
        }
    }

    /** Sends {@code message} until an answer of that length comes (five tries a second apart). */
    private static byte[] exchange(DatagramChannel channel, byte[] message, int answerLength) throws IOException {
        channel.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocate(2048);
        for (int attempt = 0; attempt < 5; attempt++) {
            channel.write(ByteBuffer.wrap(message));
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                in.clear();
                if (channel.read(in) == answerLength) return Arrays.copyOf(in.array(), answerLength);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
        throw new IOException("no answer from " + channel.getRemoteAddress());
    }
}

/** Private keys one per line in base64, the format of {@code netproxy genkey}: one such file is a server key file. */
final class KeyFile {
    static void write(Path file, int count) throws IOException {
        StringBuilder privateKeys = new StringBuilder();
        for (int i = 0; i < count; i++) {
            StaticIdentity key = StaticIdentity.generate();
            privateKeys.append(Base64.getEncoder().encodeToString(key.privateKey())).append('\n');
            System.out.println(Base64.getEncoder().encodeToString(key.publicKey()));
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, privateKeys, StandardCharsets.US_ASCII);
    }

    static List<StaticIdentity> read(Path file) throws IOException {
        List<StaticIdentity> keys = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) keys.add(StaticIdentity.fromPrivateKey(Base64.getDecoder().decode(line.trim())));
        }
        return keys;
    }
}

/**
 * The initiations of the whole run, built up front, and what became of each. Handshake {@code h} belongs to client
 * {@code h % clients}, which sends its handshakes in order; its sender index is {@code indexBase + h}, so a
 * response finds its handshake by arithmetic rather than a map.
 */
final class PreparedHandshakes {
    static final int PREPARED = 0, SENT = 1, ANSWERED = 2, UNANSWERED = 3;
    /** Successive timestamps of one client: above TAI64N's granularity of 2^24 ns. */
    private static final long TIMESTAMP_STEP_MILLIS = 17;
    /** aes-256-gcm, then chacha20-poly1305: the server picks one it has. */
    private static final int[] CIPHERS = {2, 1};

    final int clients;
    final int indexBase;
    final Initiator[] initiators;
    final byte[][] initiations;
    final byte[][] responses;
    final long[] sentNanos;
    final long[] answeredNanos;
    final AtomicIntegerArray state;

    private PreparedHandshakes(int clients, int count) {
        this.clients = clients;
        this.indexBase = new SecureRandom().nextInt(Integer.MAX_VALUE - count);
        this.initiators = new Initiator[count];
        this.initiations = new byte[count][];
        this.responses = new byte[count][];
        this.sentNanos = new long[count];
        this.answeredNanos = new long[count];
        this.state = new AtomicIntegerArray(count);
    }

    static PreparedHandshakes build(Credentials credentials, int clients, int count) {
        PreparedHandshakes prepared = new PreparedHandshakes(clients, count);
        SecureRandom random = new SecureRandom();
        List<InitiationPayload> payloads = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            byte[] clientId = new byte[InitiationPayload.CLIENT_ID_LENGTH];
            random.nextBytes(clientId);
            payloads.add(new InitiationPayload(clientId, CIPHERS));
        }
        long start = System.currentTimeMillis();
        IntStream.range(0, count).parallel().forEach(h -> {
            int client = h % clients;
            Initiator initiator = credentials.initiator(client, prepared.indexBase + h, payloads.get(client));
            prepared.initiations[h] = initiator.initiation(start + (h / clients) * TIMESTAMP_STEP_MILLIS);
            prepared.initiators[h] = initiator;
        });
        return prepared;
    }

    int count() { return initiations.length; }

    /** The handshake a response answers, or -1 when its receiver index is none of ours. */
    int handshakeOf(int receiverIndex) {
        long h = (long) receiverIndex - indexBase;
        return h >= 0 && h < count() ? (int) h : -1;
    }
}

/**
 * Sends every client's handshakes one after the other, receives the responses, gives up on those unanswered after
 * the timeout, and counts what falls in the measured window (after the warm-up).
 */
final class LoadRun {
    private final Options options;
    private final PreparedHandshakes prepared;
    /** Clients whose previous handshake is over: answered or given up. */
    private final BlockingQueue<Integer> idleClients;
    /** The handshake each client has in flight, -1 when none. */
    private final int[] inFlight;
    private final AtomicLong strayResponses = new AtomicLong();
    /** The server's cookie, and the handshakes a cookie reply answered, to be sent again with mac2 at once. */
    private final CookieJar cookies;
    private final BlockingQueue<Integer> cookieRetries = new LinkedBlockingQueue<>();
    private final AtomicLong cookieReplies = new AtomicLong();

    /** The lengths and type of the mode's handshake messages. */
    private final Credentials credentials;

    LoadRun(Options options, PreparedHandshakes prepared, Credentials credentials) {
        this.options = options;
        this.prepared = prepared;
        this.credentials = credentials;
        this.cookies = new CookieJar(credentials.serverPublicKey());
        this.idleClients = new ArrayBlockingQueue<>(prepared.clients);
        this.inFlight = new int[prepared.clients];
        Arrays.fill(inFlight, -1);
        for (int client = 0; client < prepared.clients; client++) idleClients.add(client);
    }

    Outcome run() throws Exception {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.connect(options.server);
            Thread receiver = new Thread(() -> receive(channel), "responses");
            receiver.setDaemon(true);
            receiver.start();

            ServerCpu cpu = new ServerCpu(options.serverPid);
            long timeout = TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis);
            long start = System.nanoTime();
            long windowStart = start + (long) (options.warmupSeconds * 1e9);
            long windowEnd = windowStart + (long) (options.durationSeconds * 1e9);
            long lastExpiry = start;
            double cpuAtStart = Double.NaN;
            int[] nextOfClient = new int[prepared.clients];
            boolean exhausted = false;
            long now;
            ByteBuffer out = ByteBuffer.allocateDirect(credentials.initiationLength());
            while ((now = System.nanoTime()) < windowEnd) {
                if (Double.isNaN(cpuAtStart) && now >= windowStart) cpuAtStart = cpu.seconds();
                if (now - lastExpiry > 5_000_000) {
                    giveUpOverdue(now, timeout);
                    lastExpiry = now;
                }
                Integer retry = cookieRetries.poll();
                if (retry != null) {
                    // the server dropped it unprocessed, so the same message, now with mac2, is no replay
                    send(channel, out, retry);
                    continue;
                }
                Integer client = idleClients.poll(1, TimeUnit.MILLISECONDS);
                if (client == null) continue;
                int h = client + nextOfClient[client]++ * prepared.clients;
                if (h >= prepared.count()) {
                    exhausted = true;
                    break;
                }
                inFlight[client] = h;
                prepared.sentNanos[h] = System.nanoTime();
                prepared.state.set(h, PreparedHandshakes.SENT);
                send(channel, out, h);
            }
            long measuredEnd = Math.min(System.nanoTime(), windowEnd);
            double cpuSeconds = cpu.seconds() - cpuAtStart;
            // the handshakes still in flight get their full timeout before they count as unanswered
            long drainUntil = System.nanoTime() + timeout;
            while (System.nanoTime() < drainUntil && anyInFlight()) {
                Thread.sleep(5);
                giveUpOverdue(System.nanoTime(), timeout);
            }
            giveUpOverdue(System.nanoTime(), 0);
            channel.close();
            receiver.join();
            if (measuredEnd <= windowStart) {
                throw new IllegalStateException("the prepared initiations ran out during the warm-up: raise --prepare");
            }
            return Outcome.of(prepared, windowStart, measuredEnd, exhausted, strayResponses.get(), cookieReplies.get(),
                    cpu.available() ? cpuSeconds : Double.NaN);
        }
    }

    /** Sends handshake {@code h}, with mac2 when a cookie is held (one BLAKE2s: cheap enough to do live). */
    private void send(DatagramChannel channel, ByteBuffer out, int h) throws IOException {
        byte[] initiation = prepared.initiations[h];
        cookies.writeMac2(initiation, initiation.length - 16, System.nanoTime());
        out.clear();
        out.put(initiation).flip();
        channel.write(out);
    }

    /** The receiving thread: a response ends its client's handshake, which frees the client for the next one. */
    private void receive(DatagramChannel channel) {
        ByteBuffer in = ByteBuffer.allocateDirect(2048).order(ByteOrder.LITTLE_ENDIAN);
        byte[] message = new byte[credentials.responseLength()];
        try {
            while (true) {
                in.clear();
                try {
                    channel.read(in);
                } catch (PortUnreachableException notYet) {
                    continue; // nothing listens (yet, or any more): the handshakes time out and say so
                }
                long now = System.nanoTime();
                in.flip();
                if (in.remaining() == Messages.COOKIE_REPLY_LENGTH) {
                    cookieReply(in, now);
                    continue;
                }
                // keepalives of the sessions the server already confirmed come too: they are not ours to count
                if (in.remaining() != message.length) continue;
                in.get(message);
                if (Messages.type(message, 0, message.length) != credentials.responseType()) continue;
                int h = prepared.handshakeOf(Messages.responseReceiverIndex(message, 0));
                if (h < 0 || !prepared.state.compareAndSet(h, PreparedHandshakes.SENT, PreparedHandshakes.ANSWERED)) {
                    strayResponses.incrementAndGet();
                    continue;
                }
                prepared.answeredNanos[h] = now;
                prepared.responses[h] = message.clone();
                idleClients.add(h % prepared.clients);
            }
        } catch (ClosedChannelException closed) {
            // the run is over
        } catch (IOException e) {
            throw new IllegalStateException("receiving responses failed", e);
        }
    }

    /** A cookie reply to a handshake in flight: its initiation goes again, with mac2. */
    private void cookieReply(ByteBuffer in, long now) {
        byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];
        in.get(reply);
        if (Messages.type(reply, 0, reply.length) != Messages.TYPE_COOKIE) return;
        int h = prepared.handshakeOf(Messages.cookieReceiverIndex(reply, 0));
        if (h < 0 || prepared.state.get(h) != PreparedHandshakes.SENT) return;
        try {
            prepared.initiators[h].consumeCookieReply(reply, 0, reply.length, cookies, now);
        } catch (HandshakeException e) {
            return;
        }
        cookieReplies.incrementAndGet();
        cookieRetries.add(h);
    }

    private void giveUpOverdue(long now, long timeout) {
        for (int client = 0; client < inFlight.length; client++) {
            int h = inFlight[client];
            if (h < 0 || prepared.state.get(h) != PreparedHandshakes.SENT || now - prepared.sentNanos[h] < timeout) continue;
            if (prepared.state.compareAndSet(h, PreparedHandshakes.SENT, PreparedHandshakes.UNANSWERED)) {
                prepared.answeredNanos[h] = now;
                idleClients.add(client);
            }
        }
    }

    private boolean anyInFlight() {
        for (int h : inFlight) {
            if (h >= 0 && prepared.state.get(h) == PreparedHandshakes.SENT) return true;
        }
        return false;
    }
}

/** CPU seconds (user + system, all threads) a process has used, from /proc/PID/stat. */
final class ServerCpu {
    private final long pid;
    private final double ticksPerSecond;

    ServerCpu(long pid) throws IOException, InterruptedException {
        this.pid = pid;
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String ticks = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        getconf.waitFor();
        this.ticksPerSecond = Double.parseDouble(ticks);
    }

    boolean available() { return pid > 0; }

    double seconds() throws IOException {
        if (!available()) return Double.NaN;
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        // the command name may hold spaces and parentheses: the fields that follow start after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / ticksPerSecond;
    }
}

/** What the measured window saw: rates, latency and, checked now, whether every response completed its handshake. */
record Outcome(double seconds, int completed, int invalid, int unanswered, long stray, long cookieReplies,
               long[] latencyNanos, boolean exhausted, double serverCpuSeconds) {

    static Outcome of(PreparedHandshakes prepared, long windowStart, long windowEnd, boolean exhausted, long stray,
                      long cookieReplies, double serverCpuSeconds) {
        int completed = 0, invalid = 0, unanswered = 0;
        long[] latencies = new long[prepared.count()];
        for (int h = 0; h < prepared.count(); h++) {
            long ended = prepared.answeredNanos[h];
            if (ended < windowStart || ended >= windowEnd) continue;
            int state = prepared.state.get(h);
            if (state == PreparedHandshakes.UNANSWERED) {
                unanswered++;
            } else if (state == PreparedHandshakes.ANSWERED) {
                byte[] response = prepared.responses[h];
                try {
                    prepared.initiators[h].consumeResponse(response, 0, response.length);
                    latencies[completed++] = ended - prepared.sentNanos[h];
                } catch (HandshakeException e) {
                    invalid++;
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, completed);
        Arrays.sort(sorted);
        return new Outcome((windowEnd - windowStart) / 1e9, completed, invalid, unanswered, stray, cookieReplies, sorted,
                exhausted, serverCpuSeconds);
    }

    double percentileMillis(double p) {
        if (latencyNanos.length == 0) return Double.NaN;
        int i = (int) Math.min(latencyNanos.length - 1, Math.ceil(p / 100 * latencyNanos.length) - 1);
        return latencyNanos[Math.max(0, i)] / 1e6;
    }

    /** A human summary on stderr, and one line of key=value on stdout for scripts. */
    void print() {
        double rate = completed / seconds;
        double cpuMillisPerHandshake = completed == 0 ? Double.NaN : serverCpuSeconds * 1000 / completed;
        System.err.printf("%.1f s measured: %d handshakes completed (%.0f/s), %d unanswered (%.0f/s), %d invalid,"
                        + " %d stray responses, %d cookie replies (whole run); latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                seconds, completed, rate, unanswered, unanswered / seconds, invalid, stray, cookieReplies,
                percentileMillis(50), percentileMillis(90), percentileMillis(99), percentileMillis(100));
        if (!Double.isNaN(serverCpuSeconds)) {
            System.err.printf("server: %.2f CPU s (%.0f%% of one core), %.3f ms per completed handshake%n",
                    serverCpuSeconds, serverCpuSeconds / seconds * 100, cpuMillisPerHandshake);
        }
        if (exhausted) System.err.println("warning: the prepared initiations ran out before the end: raise --prepare");
        System.out.printf(Locale.ROOT, "seconds=%.2f completed=%d rate=%.1f unanswered=%d unanswered_rate=%.1f"
                        + " invalid=%d stray=%d cookie_replies=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f server_cpu_s=%.2f"
                        + " server_cpu_ms_per_handshake=%.3f server_core_busy=%.2f exhausted=%b%n",
                seconds, completed, rate, unanswered, unanswered / seconds, invalid, stray, cookieReplies, percentileMillis(50),
                percentileMillis(90), percentileMillis(99), percentileMillis(100), serverCpuSeconds,
                cpuMillisPerHandshake, serverCpuSeconds / seconds, exhausted);
    }
}
