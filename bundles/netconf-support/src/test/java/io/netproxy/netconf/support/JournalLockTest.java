package io.netproxy.netconf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hazard of a bundle update: the new bundle's classes (or the other configurator's copy of them) open a live
 * journal of this process. With POSIX record locks, closing that second descriptor dropped the owner's lock, and a
 * {@code cleanup} from another process then reverted a running tunnel. flock(2) locks belong to the owner's open
 * file description and survive that.
 */
class JournalLockTest {
    private static final UndoStep ROUTE = new UndoStep(Tool.IP, List.of("route", "del", "0.0.0.0/1", "dev", "tun0"), "",
            "delete route 0.0.0.0/1 dev tun0");

    @TempDir
    Path stateDir;

    @Test
    void aLiveJournalStaysLockedForOtherProcessesWhateverElseThisProcessOpensAndCloses() throws Exception {
        JournalDirectory directory = new JournalDirectory(stateDir.resolve("netconf"), "the test namespace");
        Path file;
        try (Journal live = directory.create(new JournalKey("t1", "nftables"))) {
            live.append(ROUTE);
            file = live.file();
            assertTrue(lockedForOtherProcesses(file), "the owner holds it");

            try (URLClassLoader update = new SecondCopy()) {
                Class<?> journal = update.loadClass(Journal.class.getName());
                assertNotSame(Journal.class, journal, "a second copy of the class, as in another bundle");
                Method openIfAbandoned = journal.getDeclaredMethod("openIfAbandoned", Path.class);
                openIfAbandoned.setAccessible(true);
                assertEquals(Optional.empty(), openIfAbandoned.invoke(null, file), "the other copy sees it live");
                Method isLive = journal.getDeclaredMethod("isLive", Path.class);
                isLive.setAccessible(true);
                assertEquals(true, isLive.invoke(null, file));
            }
            assertTrue(lockedForOtherProcesses(file), "still held after the other copy closed its descriptors");

            // what the old code did from a second class loader: open, take and drop a POSIX lock, close
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock posix = channel.tryLock();
                if (posix != null) posix.release();
            }
            assertTrue(lockedForOtherProcesses(file), "still held after a raw open and close");
            assertTrue(Journal.isLive(file));
            assertEquals(Optional.empty(), Journal.openIfAbandoned(file), "and this copy sees it live too");
        }
        assertFalse(lockedForOtherProcesses(file), "closing the journal lets go");
        Journal abandoned = Journal.openIfAbandoned(file).orElseThrow();
        assertEquals(List.of(ROUTE), abandoned.steps());
        abandoned.delete();
    }

    /** util-linux flock(1) in another process: exit 1 when the lock is held. */
    private static boolean lockedForOtherProcesses(Path file) throws IOException, InterruptedException {
        Process flock = new ProcessBuilder("flock", "--nonblock", "--conflict-exit-code", "1", file.toString(), "true")
                .redirectErrorStream(true).start();
        String output = new String(flock.getInputStream().readAllBytes());
        int exit = flock.waitFor();
        if (exit != 0 && exit != 1) throw new IOException("flock(1) failed (exit " + exit + "): " + output);
        return exit == 1;
    }

    /** Loads this package anew, beside the test's copy, and everything else (JNA) from the test's class path. */
    private static final class SecondCopy extends URLClassLoader {
        SecondCopy() {
            super(new URL[] {Journal.class.getProtectionDomain().getCodeSource().getLocation()},
                    Journal.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(Journal.class.getPackageName() + ".")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }
    }
}
