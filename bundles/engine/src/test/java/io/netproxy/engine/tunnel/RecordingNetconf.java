package io.netproxy.engine.tunnel;

import io.netproxy.api.AppliedNetworkPlan;
import io.netproxy.api.NetworkConfigurator;
import io.netproxy.api.NetworkPlan;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Applies nothing, remembers every plan and counts how often each applied plan is closed. */
final class RecordingNetconf implements NetworkConfigurator {
    final List<NetworkPlan> plans = new CopyOnWriteArrayList<>();
    final List<Applied> applied = new CopyOnWriteArrayList<>();
    private volatile IOException failure;
    /** Whether it takes plans that carry IPv6 inside the tunnel, as iptables and nftables do. */
    volatile boolean ipv6Inside;

    /** Makes the next apply calls fail with this exception (null: succeed). */
    void failWith(IOException failure) {
        this.failure = failure;
    }

    @Override
    public String name() { return "recording"; }

    @Override
    public AppliedNetworkPlan apply(NetworkPlan plan) throws IOException {
        plans.add(plan);
        if (failure != null) throw failure;
        Applied handle = new Applied(plan);
        applied.add(handle);
        return handle;
    }

    @Override
    public List<String> recover() { return List.of(); }

    @Override
    public boolean supportsIpv6Inside() { return ipv6Inside; }

    /** Whether it takes a plan's other server addresses, as the engine's own configurators do. */
    volatile boolean otherServerAddresses = true;

    @Override
    public boolean supportsOtherServerAddresses() { return otherServerAddresses; }

    static final class Applied implements AppliedNetworkPlan {
        final NetworkPlan plan;
        final AtomicInteger closes = new AtomicInteger();

        Applied(NetworkPlan plan) {
            this.plan = plan;
        }

        @Override
        public List<String> describe() {
            return List.of("recorded " + plan.role() + " plan for " + plan.tunInterface());
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
