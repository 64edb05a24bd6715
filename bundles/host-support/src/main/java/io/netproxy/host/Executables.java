package io.netproxy.host;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds host tools by name: on PATH, then in /usr/sbin and /sbin, which a service's PATH often lacks. */
public final class Executables {
    private Executables() {
    }

    public static List<Path> defaultSearchPath() {
        List<Path> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) directories.add(Path.of(entry));
            }
        }
        directories.add(Path.of("/usr/sbin"));
        directories.add(Path.of("/sbin"));
        return directories;
    }

    public static Optional<Path> find(String command, List<Path> searchPath) {
        for (Path directory : searchPath) {
            Path candidate = directory.resolve(command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    public static Optional<Path> find(String command) {
        return find(command, defaultSearchPath());
    }
}
