package io.netproxy.shell;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a configuration of {@code etc/} is written, for messages: its file, and the line of a key in it
 * ({@code /opt/netproxy/etc/io.netproxy.tunnel-office.cfg:4: }), found by reading the file again, as ConfigAdmin
 * hands over the values without their lines.
 */
final class SettingLocation {
    private static final String FILE = "felix.fileinstall.filename";

    private SettingLocation() {}

    /** The file, rather than FileInstall's URL ({@code file:/opt/...}), or the PID of a configuration made otherwise. */
    static String source(Map<String, Object> config) {
        Object file = config.get(FILE);
        if (file == null) return String.valueOf(config.get("service.pid"));
        try {
            return Path.of(URI.create(String.valueOf(file))).toString();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException notAFileUrl) {
            return String.valueOf(file);
        }
    }

    /** {@code "FILE: "}, {@code "PID: "}, or nothing for a configuration that has neither (made in a test). */
    static String prefix(Map<String, Object> config) {
        return config.containsKey(FILE) || config.containsKey("service.pid") ? source(config) + ": " : "";
    }

    /** {@code "FILE:LINE: "} of the line that sets {@code key}, else as {@link #prefix(Map)}. */
    static String prefix(Map<String, Object> config, String key) {
        if (!config.containsKey(FILE)) return prefix(config);
        String file = source(config);
        Pattern setting = Pattern.compile("\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        try {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.ISO_8859_1);
            // the last one: a later line of the same key wins, as in any properties file
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (setting.matcher(lines.get(i)).matches()) return file + ":" + (i + 1) + ": ";
            }
        } catch (IOException | RuntimeException e) {
            // the message still names the file
        }
        return file + ": ";
    }
}
