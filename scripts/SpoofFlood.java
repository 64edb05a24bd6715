import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * A flood of handshake initiations from spoofed source addresses, for CookieFloodIT and the benchmarks: what an
 * attacker who knows the server's public key but has no client key can send. Every initiation has a valid mac1
 * (so the server cannot drop it before Diffie-Hellman, as it drops stray traffic), a zero mac2 (no cookie) and
 * random bytes elsewhere (so it fails as handshake-failed.decrypt-failed after the server's first DH).
 *
 * <pre>
 * ip netns exec NS java -cp "$(ls DIST/bundle/jna-*.jar):$(ls DIST/bundle/bcprov-*.jar)" scripts/SpoofFlood.java \
 *     --server 198.51.100.10:6767 --server-key BASE64 --sources 198.19.0.0/20 --rate 10000 --seconds 15
 * </pre>
 *
 * Sends IPv4+UDP packets it builds itself through a raw socket (needs root or CAP_NET_RAW), round-robin over the
 * sources, --rate packets/s on average in bursts of --burst (default 100) back to back, for --seconds; prints
 * {@code sent=N errors=M} at the end. Bursts, as a real flood has, fill the server's handshake queue at once
 * whatever its speed; a smooth flood slower than the server's Diffie-Hellman never queues anything, and one just
 * faster queues slowly, letting many initiations through to DH before the queue shows the load.
 *
 * Only for test namespaces: it refuses to run outside a namespace of {@code ip netns}, and the sources must lie
 * in 198.18.0.0/15 (benchmark addresses), whose replies the test network's router blackholes.
 */
public class SpoofFlood {
    private static final int AF_INET = 2, SOCK_RAW = 3, IPPROTO_RAW = 255, IPPROTO_UDP = 17;
    private static final int IP_HEADER = 20, UDP_HEADER = 8;
    // netproxy's initiation (PROTOCOL.md 4.1): type, reserved, sender index, ephemeral, static, payload, mac1, mac2
    private static final int INITIATION_LENGTH = 173, MAC1_OFFSET = 141, MAC_LENGTH = 16;

    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;
        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) throws LastErrorException;
        int close(int fd);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) opts.put(args[i], args[i + 1]);
        if (args.length % 2 != 0 || !opts.keySet().containsAll(List.of("--server", "--server-key", "--sources"))) {
            fail("usage: SpoofFlood --server ADDR:PORT --server-key BASE64 --sources A.B.C.D/N"
                    + " [--rate PPS] [--burst N] [--seconds S]");
        }
        String[] server = opts.get("--server").split(":");
        byte[] dst = InetAddress.getByName(server[0]).getAddress();
        int port = Integer.parseInt(server[1]);
        byte[] mac1Key = mac1Key(Base64.getDecoder().decode(opts.get("--server-key")));
        String[] cidr = opts.get("--sources").split("/");
        int base = toInt(InetAddress.getByName(cidr[0]).getAddress());
        int bits = Integer.parseInt(cidr[1]);
        boolean benchmarkRange = (base & 0xFFFE0000) == 0xC6120000;
        if (bits < 16 || bits > 32 || !benchmarkRange || (base & (int) ((1L << (32 - bits)) - 1)) != 0) {
            fail("--sources must be a network of at most a /16 inside 198.18.0.0/15");
        }
        int rate = Integer.parseInt(opts.getOrDefault("--rate", "10000"));
        double seconds = Double.parseDouble(opts.getOrDefault("--seconds", "15"));
        int burst = Integer.parseInt(opts.getOrDefault("--burst", "100"));
        if (rate < 1 || burst < 1 || burst > rate) fail("--rate and --burst must be at least 1, --burst at most --rate");
        if (!inNamedNamespace()) fail("refusing to spoof outside a test namespace: run it with ip netns exec NS");

        // One fixed packet per source, source port included: the server's namespace runs conntrack (its NAT rules),
        // whose table limit is shared by every namespace of the machine; a fixed 5-tuple per source keeps the flood
        // at one entry per source instead of one per packet, which would fill the host's table.
        SecureRandom random = new SecureRandom();
        byte[][] packets = new byte[1 << (32 - bits)][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = packet(base + i, 20000 + i % 40000, dst, port, initiation(mac1Key, random));
        }
        byte[] sockaddr = new byte[16];              // sockaddr_in: family (host order), port (unused for raw), address
        sockaddr[0] = AF_INET;
        System.arraycopy(dst, 0, sockaddr, 4, 4);

        LibC libc = Native.load("c", LibC.class);
        int fd;
        try {
            fd = libc.socket(AF_INET, SOCK_RAW, IPPROTO_RAW);   // IPPROTO_RAW implies IP_HDRINCL
        } catch (LastErrorException e) {
            fail("cannot open a raw socket (errno " + e.getErrorCode() + "): needs root or CAP_NET_RAW in the namespace");
            return;
        }
        System.out.printf("flooding %s from %d sources at %d packets/s in bursts of %d for %s s%n", opts.get("--server"),
                packets.length, rate, burst, opts.getOrDefault("--seconds", "15"));
        System.out.flush();
        long sent = 0, errors = 0, skipped = 0;
        long burstNanos = burst * 1_000_000_000L / rate;
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        try {
            for (long now = start; now < end; now = System.nanoTime()) {
                // the bursts due by now, but at most one: a sender that stalled does not make up for it afterwards
                long bursts = (now - start) / burstNanos + 1;
                long due = bursts * burst - skipped;
                long behind = due - (sent + errors) - burst;
                if (behind > 0) {
                    skipped += behind;
                    due -= behind;
                }
                while (sent + errors < due) {
                    byte[] p = packets[(int) ((sent + errors) % packets.length)];
                    try {
                        libc.sendto(fd, p, p.length, 0, sockaddr, sockaddr.length);
                        sent++;
                    } catch (LastErrorException e) {
                        errors++;                        // ENOBUFS and the like: counted, not retried
                    }
                }
                LockSupport.parkNanos(start + bursts * burstNanos - System.nanoTime());
            }
        } finally {
            libc.close(fd);
        }
        System.out.println("sent=" + sent + " errors=" + errors + " skipped=" + skipped + " sources=" + packets.length
                + String.format(" seconds=%.1f", (System.nanoTime() - start) / 1e9));
    }

    /** Whether this process runs in one of the namespaces {@code ip netns} made (/run/netns/NAME), not the host's. */
    static boolean inNamedNamespace() throws java.io.IOException {
        Object self = Files.readAttributes(Path.of("/proc/self/ns/net"), BasicFileAttributes.class).fileKey();
        if (!Files.isDirectory(Path.of("/run/netns"))) return false;
        try (Stream<Path> names = Files.list(Path.of("/run/netns"))) {
            return names.anyMatch(name -> {
                try {
                    return self.equals(Files.readAttributes(name, BasicFileAttributes.class).fileKey());
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }

    /** HASH("mac1----" || server public key): BLAKE2s-256, as netproxy's Mac1. */
    static byte[] mac1Key(byte[] serverPublicKey) {
        Blake2sDigest hash = new Blake2sDigest(256);
        byte[] label = "mac1----".getBytes(StandardCharsets.US_ASCII);
        hash.update(label, 0, label.length);
        hash.update(serverPublicKey, 0, serverPublicKey.length);
        byte[] key = new byte[32];
        hash.doFinal(key, 0);
        return key;
    }

    /** Type 1, random sender index, ephemeral, static and payload, mac1 = BLAKE2s-128(key, bytes 0..140), mac2 = 0. */
    static byte[] initiation(byte[] mac1Key, SecureRandom random) {
        byte[] m = new byte[INITIATION_LENGTH];
        random.nextBytes(m);
        m[0] = 1;
        m[1] = m[2] = m[3] = 0;
        Blake2sDigest mac = new Blake2sDigest(mac1Key, MAC_LENGTH, null, null);
        mac.update(m, 0, MAC1_OFFSET);
        mac.doFinal(m, MAC1_OFFSET);
        java.util.Arrays.fill(m, MAC1_OFFSET + MAC_LENGTH, INITIATION_LENGTH, (byte) 0);
        return m;
    }

    /** IPv4 header (checksum and id left to the kernel), UDP header without checksum (allowed over IPv4), payload. */
    static byte[] packet(int src, int srcPort, byte[] dst, int dstPort, byte[] payload) {
        byte[] p = new byte[IP_HEADER + UDP_HEADER + payload.length];
        p[0] = 0x45;
        putShort(p, 2, p.length);
        p[6] = 0x40;                                     // don't fragment
        p[8] = 64;                                       // TTL
        p[9] = IPPROTO_UDP;
        putShort(p, 12, src >>> 16);
        putShort(p, 14, src);
        System.arraycopy(dst, 0, p, 16, 4);
        putShort(p, 20, srcPort);
        putShort(p, 22, dstPort);
        putShort(p, 24, UDP_HEADER + payload.length);
        System.arraycopy(payload, 0, p, IP_HEADER + UDP_HEADER, payload.length);
        return p;
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static int toInt(byte[] a) {
        return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | a[3] & 0xFF;
    }

    private static void fail(String message) {
        System.err.println("SpoofFlood: " + message);
        System.exit(2);
    }
}
