package io.netproxy.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Ages and byte counts as {@code wg show} writes them: "1 minute, 3 seconds ago", "1.21 MiB". */
final class HumanUnits {
    private static final String[] BYTE_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private HumanUnits() {}

    /** "1 day, 2 hours, 1 minute, 3 seconds ago"; "just now" under a second; a time ahead (clock step) also "just now". */
    static String age(Duration age) {
        long seconds = age.getSeconds();
        if (seconds <= 0) return "just now";
        List<String> parts = new ArrayList<>();
        add(parts, seconds / 86_400, "day");
        add(parts, seconds / 3600 % 24, "hour");
        add(parts, seconds / 60 % 60, "minute");
        add(parts, seconds % 60, "second");
        return String.join(", ", parts) + " ago";
    }

    private static void add(List<String> parts, long count, String unit) {
        if (count > 0) parts.add(count + " " + unit + (count == 1 ? "" : "s"));
    }

    /** Bytes below 1 KiB exactly ("512 B"), larger counts in binary units to three significant digits ("1.21 MiB", "340 KiB"). */
    static String bytes(long bytes) {
        if (bytes < 1024) return bytes + " B";
        double value = bytes / 1024.0;
        int unit = 0;
        // up a unit while the value, rounded as printed, would read 1024 or more
        while (unit < BYTE_UNITS.length - 1 && Double.parseDouble(threeDigits(value)) >= 1024) {
            value /= 1024;
            unit++;
        }
        return threeDigits(value) + " " + BYTE_UNITS[unit];
    }

    private static String threeDigits(double value) {
        String pattern = value < 9.995 ? "%.2f" : value < 99.95 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
