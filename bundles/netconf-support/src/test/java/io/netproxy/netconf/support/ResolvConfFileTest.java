package io.netproxy.netconf.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver file is put back exactly as it was: a symbolic link as the same link, a file byte for byte. */
class ResolvConfFileTest {
    private static final byte[] ORIGINAL = "# the host's\nnameserver 192.0.2.1\nsearch example.org\n".getBytes(UTF_8);

    @TempDir
    Path etc;

    private Path resolvConf() {
        return etc.resolve("resolv.conf");
    }

    /** Through the state file's encoding, as after a crash. */
    private static ResolvConfOriginal kept(ResolvConfOriginal original) throws IOException {
        return ResolvConfOriginal.decode(original.encode());
    }

    @Test
    void aReplacedSymlinkIsPutBackAsTheSameLinkAndItsTargetIsNeverWritten() throws IOException {
        Path stub = Files.createDirectories(etc.resolve("run")).resolve("stub-resolv.conf");
        Files.write(stub, ORIGINAL);
        Files.createSymbolicLink(resolvConf(), Path.of("run/stub-resolv.conf"));
        ResolvConfFile file = new ResolvConfFile(resolvConf(), false);

        ResolvConfOriginal original = kept(file.capture());
        file.write("nameserver 203.0.113.53\n");
        assertFalse(Files.isSymbolicLink(resolvConf()), "the link itself is replaced");
        assertEquals("nameserver 203.0.113.53\n", Files.readString(resolvConf()));
        assertArrayEquals(ORIGINAL, Files.readAllBytes(stub), "the link's target is left alone");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(resolvConf())));

        file.restore(original);
        assertTrue(Files.isSymbolicLink(resolvConf()));
        assertEquals(Path.of("run/stub-resolv.conf"), Files.readSymbolicLink(resolvConf()), "the same relative target");
        assertArrayEquals(ORIGINAL, Files.readAllBytes(stub));
        assertFalse(Files.exists(etc.resolve(".resolv.conf.netproxy"), LinkOption.NOFOLLOW_LINKS), "no temporary left");
    }

    @Test
    void aReplacedFileComesBackByteForByteWithItsPermissions() throws IOException {
        Files.write(resolvConf(), ORIGINAL);
        Files.setPosixFilePermissions(resolvConf(), PosixFilePermissions.fromString("rw-r-----"));
        ResolvConfFile file = new ResolvConfFile(resolvConf(), false);

        ResolvConfOriginal original = kept(file.capture());
        file.write("nameserver 203.0.113.53\n");
        file.write("nameserver 203.0.113.54\n");
        file.restore(original);
        assertArrayEquals(ORIGINAL, Files.readAllBytes(resolvConf()));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(resolvConf())));
    }

    @Test
    void aMissingFileIsMissingAgainAfterwards() throws IOException {
        ResolvConfFile file = new ResolvConfFile(resolvConf(), false);
        ResolvConfOriginal original = kept(file.capture());
        file.write("nameserver 203.0.113.53\n");
        assertTrue(Files.exists(resolvConf()));
        file.restore(original);
        assertFalse(Files.exists(resolvConf(), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void inPlaceTheFileKeepsItsInodeAndALinkToItStaysALink() throws IOException {
        Path own = etc.resolve("netns-resolv.conf");
        Files.write(own, ORIGINAL);
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(resolvConf(), own.getFileName());
        Object inode = Files.getAttribute(own, "unix:ino");
        ResolvConfFile file = new ResolvConfFile(resolvConf(), true);

        ResolvConfOriginal original = kept(file.capture());
        file.write("nameserver 203.0.113.53\n");
        assertTrue(Files.isSymbolicLink(resolvConf()), "written through the link, as a mount point must be");
        assertEquals("nameserver 203.0.113.53\n", Files.readString(own));
        file.restore(original);
        assertArrayEquals(ORIGINAL, Files.readAllBytes(own));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
        assertEquals(inode, Files.getAttribute(own, "unix:ino"), "the same file, never replaced");
        assertTrue(Files.isSymbolicLink(resolvConf()));
    }
}
