package io.netproxy.api;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The changes one {@link NetworkConfigurator#apply} made. Closing reverts them; closing twice does nothing.
 * Implemented by network configurator plugins, so a consumer type: methods are added to it only in a major version.
 */
@ConsumerType
public interface AppliedNetworkPlan extends Closeable {
    /** Human-readable lines describing what was applied (for status output). */
    List<String> describe();

    /** Reverts every change. Continues past individual failures and reports them together. */
    @Override
    void close() throws IOException;
}
