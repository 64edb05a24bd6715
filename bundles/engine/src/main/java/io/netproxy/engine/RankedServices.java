package io.netproxy.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Bound services of one kind, named by a service property and ordered by {@code service.ranking}. */
final class RankedServices<S> {
    private final String nameProperty;
    /** Replaced whole on each change, so readers never see a half-sorted list. */
    private volatile List<Entry<S>> entries = List.of();

    RankedServices(String nameProperty) {
        this.nameProperty = nameProperty;
    }

    synchronized void add(S service, Map<String, Object> properties) {
        Object ranking = properties.get("service.ranking");
        Object id = properties.get("service.id");
        List<Entry<S>> sorted = new ArrayList<>(entries);
        sorted.add(new Entry<>(service, String.valueOf(properties.get(nameProperty)),
                ranking instanceof Integer r ? r : 0, id instanceof Long l ? l : Long.MAX_VALUE));
        // Highest ranking first; on a tie the older service (lower id), as OSGi orders them.
        sorted.sort(Comparator.<Entry<S>>comparingInt(e -> -e.ranking).thenComparingLong(e -> e.serviceId));
        entries = List.copyOf(sorted);
        notifyAll();
    }

    synchronized void remove(S service) {
        entries = entries.stream().filter(e -> e.service != service).toList();
    }

    /**
     * The service named {@code name} (the best ranked when null), waiting up to {@code timeoutMs} for one to be
     * bound: a command can arrive while SCR is still binding the plugins at boot.
     */
    synchronized Optional<S> await(String name, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Optional<S> chosen = name == null ? best() : named(name);
            long left = deadline - System.nanoTime();
            if (chosen.isPresent() || left <= 0) return chosen;
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    Optional<S> best() {
        List<Entry<S>> now = entries;
        return now.isEmpty() ? Optional.empty() : Optional.of(now.get(0).service);
    }

    Optional<S> named(String name) {
        return entries.stream().filter(e -> e.name.equals(name)).map(e -> e.service).findFirst();
    }

    List<S> all() {
        return entries.stream().map(e -> e.service).toList();
    }

    List<String> names() {
        return entries.stream().map(e -> e.name).toList();
    }

    private record Entry<S>(S service, String name, int ranking, long serviceId) {}
}
