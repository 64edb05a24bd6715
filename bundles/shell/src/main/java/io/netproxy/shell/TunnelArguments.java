package io.netproxy.shell;

import io.netproxy.api.tunnel.TunnelSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code serve} and {@code connect} arguments (the same for bin/netproxy and Gogo) into a {@link TunnelSpec},
 * through the {@link TunnelSettings} that etc/ files use too. Secrets come from files or from the caller, never
 * from the arguments themselves.
 */
final class TunnelArguments {
    private static final Map<String, String> KEY_OF_OPTION = new HashMap<>();

    static {
        TunnelSettings.OPTION_OF.forEach((key, option) -> KEY_OF_OPTION.put(option, key));
    }

    private TunnelArguments() {}

    /**
     * @param args   the command's arguments without the command name
     * @param secret a password the caller obtained (environment or prompt), or null; the caller keeps (and wipes) it
     */
    static TunnelSpec parse(TunnelSpec.Role role, List<String> args, char[] secret) throws IOException {
        TunnelSettings settings = new TunnelSettings(role, TunnelSettings.OPTIONS);
        try {
            if (secret != null) settings.password(secret.clone());
            boolean hostGiven = false;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String key = KEY_OF_OPTION.get(arg);
                if (key != null && TunnelSettings.FLAGS.contains(key)) {
                    settings.set(key, "true", arg);
                } else if (key != null) {
                    if (i + 1 >= args.size()) throw new IllegalArgumentException(arg + " needs a value");
                    settings.set(key, args.get(++i), arg);
                } else if (arg.startsWith("-") || role == TunnelSpec.Role.SERVER || hostGiven) {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                } else {
                    settings.set("host", arg, "HOST[:PORT]");
                    hostGiven = true;
                }
            }
            return settings.build();
        } catch (IOException | RuntimeException e) {
            settings.wipe();
            throw e;
        }
    }
}
