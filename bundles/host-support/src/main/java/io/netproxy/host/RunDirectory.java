package io.netproxy.host;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The run directory (control socket, pid file): created root-only when missing; an existing one must belong
 * to this user and be writable by nobody else (nobody else can then plant or replace the socket), and its
 * permissions are never changed: NETPROXY_RUN_DIR=/run or /tmp would otherwise turn a shared host directory
 * into 0700 for good. The shell bundle enforces it before it opens the control socket; the launcher checks it
 * too, so that a bad NETPROXY_RUN_DIR is reported at once instead of as a control socket that never opens.
 */
public final class RunDirectory {
    private RunDirectory() {}

    public static void prepare(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return;
            } catch (FileAlreadyExistsException raced) {
                // Created meanwhile: check it like any existing directory.
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String advice = "; netproxy keeps its control socket there and never changes the permissions of an existing"
                + " directory: point NETPROXY_RUN_DIR at a dedicated one such as /run/netproxy (created root-only)";
        if (!attributes.isDirectory()) {
            throw new IOException("run directory " + dir + " is not a directory (symbolic links are not followed)" + advice);
        }
        Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!owner.equals(self)) {
            throw new IOException("run directory " + dir + " belongs to " + attributes.owner().getName()
                    + ", not to the user netproxy runs as (uid " + self + ")" + advice);
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("run directory " + dir + " is writable by other users ("
                    + PosixFilePermissions.toString(permissions) + ")" + advice);
        }
    }
}
