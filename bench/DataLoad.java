import io.netproxy.engine.protocol.InitiationPayload;
import io.netproxy.engine.protocol.Initiator;
import io.netproxy.engine.protocol.Messages;
import io.netproxy.engine.protocol.ParametersExchange;
import io.netproxy.engine.protocol.PasswordSecrets;
import io.netproxy.engine.protocol.StaticIdentity;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Many clients' data for one server, from one process: what bench/clients.sh --simulated measures the server with,
 * where a JVM per client would take the CPU from the server it measures. Run with the JDK's source launcher and the
 * distribution's jars:
 *
 * <pre>
 * java -cp bundle/engine-*.jar:bundle/api-*.jar:bundle/bcprov-*.jar bench/DataLoad.java --server 192.0.2.1:6767 \
 *     --password-file F --clients 64 --first-source 192.0.2.10 --target 198.18.255.1 [--size 1400] [--seconds 10]
 * </pre>
 *
 * The generator fetches the server's password-mode parameters once. Client k sends from {@code first-source + k} (an
 * address of this namespace): it handshakes with a key of its own and sends its first packet at once, which proves the
 * password (the server holds the addresses of clients that have not for a few seconds only). Then the clients take
 * turns sending AES-256-GCM data messages, each carrying one IPv4/UDP packet of {@code size} bytes from the client's
 * tunnel address to {@code target}, as fast as this one thread can seal them. Prints one line:
 * {@code sent PACKETS in SECONDS s}.
 */
public final class DataLoad {
    public static void main(String[] args) throws Exception {
        InetSocketAddress server = null;
        Path passwordFile = null;
        int clients = 1, size = 1400;
        double seconds = 10;
        InetAddress firstSource = null, target = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--server" -> {
                    int colon = value.lastIndexOf(':');
                    server = new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
                }
                case "--password-file" -> passwordFile = Path.of(value);
                case "--clients" -> clients = Integer.parseInt(value);
                case "--first-source" -> firstSource = InetAddress.getByName(value);
                case "--target" -> target = InetAddress.getByName(value);
                case "--size" -> size = Integer.parseInt(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (server == null || passwordFile == null || firstSource == null || target == null) {
            System.err.println("usage: DataLoad.java --server H:P --password-file F --clients N --first-source IP"
                    + " --target IP [--size BYTES] [--seconds S]");
            System.exit(2);
        }
        char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").toCharArray();
        ParametersExchange.ServerParameters parameters = SimulatedClient.fetchParameters(server, firstSource);
        PasswordSecrets secrets = PasswordSecrets.of(PasswordSecrets.prs(password, parameters.salt()),
                parameters.serverPublicKey());
        Arrays.fill(password, '\0');

        SimulatedClient[] all = new SimulatedClient[clients];
        SecureRandom random = new SecureRandom();
        int source = ByteBuffer.wrap(firstSource.getAddress()).getInt();
        for (int k = 0; k < clients; k++) {
            InetAddress from = InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(source + k).array());
            all[k] = SimulatedClient.connect(secrets, server, from, random, target.getAddress(), size);
            all[k].sendOne();
        }
        System.err.printf("%d clients connected%n", clients);

        long end = System.nanoTime() + (long) (seconds * 1e9);
        long sent = 0;
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            for (SimulatedClient client : all) {
                client.sendOne();
                sent++;
            }
        }
        System.out.printf("sent %d in %.2f s%n", sent, (System.nanoTime() - started) / 1e9);
    }
}

/** One client: its socket, its session's send key and counter, and the packet it sends again and again. */
final class SimulatedClient {
    /** The data suite every simulated client offers, so that each one's cost is the same. */
    private static final int AES_256_GCM = 2;
    private final DatagramChannel channel;
    private final Cipher aes;
    private final SecretKeySpec key;
    private final byte[] header = new byte[16];
    private final byte[] packet;
    private final ByteBuffer datagram;
    private final byte[] nonce = new byte[12];
    private long counter;

    private SimulatedClient(DatagramChannel channel, byte[] sendKey, int receiverIndex, byte[] packet) throws Exception {
        this.channel = channel;
        this.aes = Cipher.getInstance("AES/GCM/NoPadding");
        this.key = new SecretKeySpec(sendKey, "AES");
        this.packet = packet;
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).put(0, (byte) 4).putInt(4, receiverIndex);
        this.datagram = ByteBuffer.allocate(16 + packet.length + 16);
    }

    /** The server's salt and key, asked for from {@code from}. */
    static ParametersExchange.ServerParameters fetchParameters(InetSocketAddress server, InetAddress from) throws Exception {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(from, 0));
            channel.connect(server);
            ParametersExchange.Request request = new ParametersExchange.Request();
            ByteBuffer reply = ByteBuffer.allocate(2048);
            channel.configureBlocking(false);
            for (int attempt = 1; attempt <= 5; attempt++) {
                channel.write(ByteBuffer.wrap(request.message()));
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < deadline) {
                    reply.clear();
                    if (channel.read(reply) == Messages.PARAMETERS_LENGTH) {
                        return request.consume(reply.array(), 0, Messages.PARAMETERS_LENGTH);
                    }
                    Thread.sleep(1);
                }
            }
            throw new java.io.IOException("no parameters from " + server + ": is it a password-mode server?");
        }
    }

    static SimulatedClient connect(PasswordSecrets secrets, InetSocketAddress server, InetAddress from,
            SecureRandom random, byte[] target, int size) throws Exception {
        StaticIdentity key = StaticIdentity.generate();
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(from, 0));
        channel.connect(server);
        byte[] clientId = new byte[InitiationPayload.CLIENT_ID_LENGTH];
        random.nextBytes(clientId);
        ByteBuffer response = ByteBuffer.allocate(2048);
        // one handshake at a time never loads the server's handshake queue, so no cookie reply (type 3) comes
        for (int attempt = 1; ; attempt++) {
            Initiator initiator = Initiator.withPassword(key, secrets, random.nextInt(Integer.MAX_VALUE),
                    new InitiationPayload(clientId, new int[] {AES_256_GCM}));
            channel.write(ByteBuffer.wrap(initiator.initiation(System.currentTimeMillis())));
            channel.configureBlocking(false);
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                response.clear();
                if (channel.read(response) > 0 && response.get(0) == Messages.TYPE_PASSWORD_RESPONSE) {
                    Initiator.Result result = initiator.consumeResponse(response.array(), 0, response.position());
                    channel.configureBlocking(true);
                    byte[] packet = ipv4Udp(result.payload().clientAddress(), target, size);
                    return new SimulatedClient(channel, result.keys().sendKey(), result.keys().remoteIndex(), packet);
                }
                Thread.sleep(1);
            }
            channel.configureBlocking(true);
            if (attempt == 5) throw new java.io.IOException("no handshake response for a client from " + from);
        }
    }

    /** An IPv4/UDP packet of SIZE bytes with a correct header checksum (the receiving kernel checks it). */
    static byte[] ipv4Udp(byte[] source, byte[] destination, int size) {
        ByteBuffer p = ByteBuffer.allocate(size);
        p.put((byte) 0x45).put((byte) 0).putShort((short) size).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(source).put(destination);
        p.putShort((short) 40000).putShort((short) 9).putShort((short) (size - 20)).putShort((short) 0);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((p.get(i) & 0xff) << 8) | (p.get(i + 1) & 0xff);
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        p.putShort(10, (short) ~sum);
        return p.array();
    }

    void sendOne() throws Exception {
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(8, counter);
        ByteBuffer.wrap(nonce).order(ByteOrder.LITTLE_ENDIAN).putLong(4, counter);
        counter++;
        aes.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        aes.updateAAD(header);
        datagram.clear();
        datagram.put(header);
        aes.doFinal(ByteBuffer.wrap(packet), datagram);
        datagram.flip();
        channel.write(datagram);
    }
}
