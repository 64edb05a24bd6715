package io.netproxy.itests;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * /etc/netns/NS, whose files {@code ip netns exec NS} mounts over those of /etc (resolv.conf, hosts): how a test gives
 * one namespace a file of its own without touching the host's. Closing removes the directory with what the test put
 * in it, and /etc/netns too if this made it and nobody else uses it.
 */
final class EtcNetns implements AutoCloseable {
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    private final Path directory;
    private final boolean madeEtcNetns;

    private EtcNetns(Path directory, boolean madeEtcNetns) {
        this.directory = directory;
        this.madeEtcNetns = madeEtcNetns;
    }

    static EtcNetns of(String namespace) throws IOException {
        boolean madeEtcNetns = !Files.exists(ETC_NETNS);
        return new EtcNetns(Files.createDirectories(ETC_NETNS.resolve(namespace)), madeEtcNetns);
    }

    Path file(String name) {
        return directory.resolve(name);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) Files.deleteIfExists(file);
        }
        Files.deleteIfExists(directory);
        if (madeEtcNetns) {
            try {
                Files.deleteIfExists(ETC_NETNS);
            } catch (DirectoryNotEmptyException anotherTestUsesIt) {
                // left to whoever else made a namespace's files there meanwhile
            }
        }
    }
}
