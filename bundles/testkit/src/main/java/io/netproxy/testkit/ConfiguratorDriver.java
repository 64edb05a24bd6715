package io.netproxy.testkit;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkConfigurator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link NetworkConfiguratorContract}, started inside the contract's own network namespace (never
 * the host's), so that the configurator changes that namespace as it would the one of a netproxy instance. It makes
 * the subclass through its no-argument constructor, the configurator through
 * {@link NetworkConfiguratorContract#newConfigurator(Path)}, and then takes one command a line on stdin:
 * {@code describe} (class, name, whether it carries IPv6 inside), {@code apply ID server}, {@code apply ID server6} (a
 * dual-stack server), {@code apply ID client ROUTE,...}, {@code apply ID client6 ROUTE,...} (to a server
 * reached over IPv6), {@code apply ID dns ROUTE,...} (a client with DNS servers and search domains), {@code killswitch
 * ID lan|nolan} (whose
 * handle {@code close ks:ID} closes), {@code close ID}, {@code recover}, {@code cleanup}.
 * It answers each with one line: {@code OK} and what the configurator said, or {@code ERR} and the exception.
 *
 * <p>Arguments: contract class, state directory.
 */
public final class ConfiguratorDriver {
    static final String SEPARATOR = " | ";

    private ConfiguratorDriver() {
    }

    public static void main(String[] args) throws Exception {
        Constructor<?> constructor = Class.forName(args[0]).getDeclaredConstructor();
        constructor.setAccessible(true);
        NetworkConfiguratorContract contract = (NetworkConfiguratorContract) constructor.newInstance();
        NetworkConfigurator configurator = contract.newConfigurator(Path.of(args[1]));
        Map<String, AppliedNetworkPlan> applied = new HashMap<>();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] words = line.split(" ");
            try {
                List<String> answer = switch (words[0]) {
                    case "describe" -> List.of(configurator.getClass().getName(), configurator.name(),
                            configurator.supportsIpv6Inside() ? "ipv6" : "ipv4");
                    case "apply" -> {
                        AppliedNetworkPlan plan = configurator.apply(switch (words[2]) {
                            case "server" -> NetworkConfiguratorContract.serverPlan(words[1]);
                            case "server6" -> NetworkConfiguratorContract.dualStackServerPlan(words[1]);
                            case "client6" -> NetworkConfiguratorContract.clientPlan(words[1],
                                    NetworkConfiguratorContract.SERVER_IPV6, List.of(words[3].split(",")));
                            case "dns" -> NetworkConfiguratorContract.dnsClientPlan(words[1], List.of(words[3].split(",")));
                            default -> NetworkConfiguratorContract.clientPlan(words[1], NetworkConfiguratorContract.SERVER,
                                    List.of(words[3].split(",")));
                        });
                        applied.put(words[1], plan);
                        yield plan.describe();
                    }
                    case "killswitch" -> {
                        AppliedNetworkPlan killSwitch = configurator.applyKillSwitch(
                                NetworkConfiguratorContract.killSwitch(words[1], words[2].equals("lan")));
                        applied.put("ks:" + words[1], killSwitch);
                        yield killSwitch.describe();
                    }
                    case "close" -> {
                        applied.get(words[1]).close();
                        yield List.of();
                    }
                    case "recover" -> configurator.recover();
                    case "cleanup" -> configurator.cleanup();
                    default -> throw new IllegalArgumentException("unknown command " + line);
                };
                System.out.println("OK" + (answer.isEmpty() ? "" : " " + String.join(SEPARATOR, answer)));
            } catch (IOException | RuntimeException e) {
                System.out.println("ERR " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
            System.out.flush();
        }
    }
}
