package io.netproxy.logbridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Writes the entries of the OSGi log service to netproxy's log (slf4j), each under the symbolic name of the bundle it
 * is about. FileInstall, SCR, ConfigAdmin and metatype log to that service once it runs, and the Felix log bundle
 * only keeps its last entries in memory: without this, a plugin in deploy/ that cannot resolve, or a component whose
 * activation throws, would fail without a word. The entries logged before this bundle started are written first,
 * oldest first, as far back as the log service keeps them.
 */
@Component(service = {}) // no service of its own: active as soon as a log service is there
public final class LogBridge implements LogListener {
    @Reference
    private LogReaderService reader;

    /** Entries delivered while the earlier ones are being written; null once they are, and entries go straight out. */
    private List<LogEntry> deliveredMeanwhile = new ArrayList<>();

    @Activate
    void activate() {
        reader.addLogListener(this);
        List<LogEntry> earlier = Collections.list(reader.getLog());
        Collections.reverse(earlier); // the service hands them newest first
        synchronized (this) {
            long lastWritten = -1;
            for (LogEntry entry : earlier) {
                write(entry);
                lastWritten = Math.max(lastWritten, entry.getSequence());
            }
            // the listener may have been handed entries that the snapshot holds too
            for (LogEntry entry : deliveredMeanwhile) {
                if (entry.getSequence() > lastWritten) write(entry);
            }
            deliveredMeanwhile = null;
        }
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        synchronized (this) {
            if (deliveredMeanwhile != null) {
                deliveredMeanwhile.add(entry);
                return;
            }
        }
        write(entry);
    }

    static void write(LogEntry entry) {
        LoggerFactory.getLogger(loggerOf(entry)).atLevel(levelOf(entry)).setCause(entry.getException()).log(entry.getMessage());
    }

    /**
     * The symbolic name of the bundle, or for the framework's bundle, service and framework events that the log
     * service records itself ({@code Events.Bundle.NAME} and so on) {@code osgi.events.NAME}: the events of netproxy's
     * own bundles do not fall under {@code io.netproxy}'s INFO level, and an ERROR event still shows.
     */
    static String loggerOf(LogEntry entry) {
        String bundle = entry.getBundle() == null || entry.getBundle().getSymbolicName() == null
                ? "unknown" : entry.getBundle().getSymbolicName();
        String name = entry.getLoggerName();
        return name != null && name.startsWith("Events.") ? "osgi.events." + bundle : bundle;
    }

    static Level levelOf(LogEntry entry) {
        switch (entry.getLogLevel()) {
            case ERROR: return Level.ERROR;
            // AUDIT is to be logged whatever the configured level; etc/logging.properties shows WARNING for every logger
            case AUDIT:
            case WARN: return Level.WARN;
            case INFO: return Level.INFO;
            case DEBUG: return Level.DEBUG;
            default: return Level.TRACE;
        }
    }
}
