package io.netproxy.logbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

class LogBridgeTest {
    private static final String BUNDLE = "org.example.deployed-plugin";
    private final Logger julLogger = Logger.getLogger(BUNDLE);
    private final List<String> written = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord record) {
            written.add(record.getLevel() + " " + record.getMessage()
                    + (record.getThrown() == null ? "" : " (" + record.getThrown().getMessage() + ")"));
        }
        @Override public void flush() { }
        @Override public void close() { }
    };

    @BeforeEach
    void capture() {
        julLogger.addHandler(capture);
        julLogger.setUseParentHandlers(false);
    }

    @AfterEach
    void release() {
        julLogger.removeHandler(capture);
        julLogger.setUseParentHandlers(true);
    }

    @Test
    void entriesLoggedBeforeTheBridgeAreWrittenOldestFirstThenNewOnesAsTheyCome() throws Exception {
        FakeReader reader = new FakeReader();
        reader.log(LogLevel.WARN, "first", null);
        reader.log(LogLevel.ERROR, "second", new IllegalStateException("why"));
        LogBridge bridge = bridgeOn(reader);

        reader.log(LogLevel.WARN, "third", null);
        bridge.deactivate();
        reader.log(LogLevel.WARN, "after the bridge left", null);

        assertEquals(List.of("WARNING first", "SEVERE second (why)", "WARNING third"), written);
    }

    @Test
    void anEntryBothInTheSnapshotAndDeliveredMeanwhileIsWrittenOnce() throws Exception {
        FakeReader reader = new FakeReader();
        reader.log(LogLevel.WARN, "before", null);
        // the service hands the listener an entry that its snapshot also holds, and one that it does not
        reader.onSnapshot = () -> {
            reader.log(LogLevel.WARN, "in both", null);
            reader.deliver(reader.entry(LogLevel.WARN, "delivered only", null));
        };
        bridgeOn(reader);

        assertEquals(List.of("WARNING before", "WARNING in both", "WARNING delivered only"), written);
    }

    @Test
    void levelsMapSoThatWhatMustBeSeenIsSeenUnderTheDefaultLevels() {
        FakeReader reader = new FakeReader();
        assertEquals(org.slf4j.event.Level.ERROR, LogBridge.levelOf(reader.entry(LogLevel.ERROR, "", null)));
        assertEquals(org.slf4j.event.Level.WARN, LogBridge.levelOf(reader.entry(LogLevel.WARN, "", null)));
        assertEquals(org.slf4j.event.Level.WARN, LogBridge.levelOf(reader.entry(LogLevel.AUDIT, "", null)));
        assertEquals(org.slf4j.event.Level.INFO, LogBridge.levelOf(reader.entry(LogLevel.INFO, "", null)));
        assertEquals(org.slf4j.event.Level.DEBUG, LogBridge.levelOf(reader.entry(LogLevel.DEBUG, "", null)));
        assertEquals(org.slf4j.event.Level.TRACE, LogBridge.levelOf(reader.entry(LogLevel.TRACE, "", null)));
    }

    @Test
    void theFrameworkEventsThatTheLogServiceRecordsAreNamedApartFromTheBundlesOwnWords() {
        FakeReader reader = new FakeReader();
        assertEquals(BUNDLE, LogBridge.loggerOf(reader.entry(LogLevel.WARN, "", null)));
        reader.loggerName = "Events.Bundle." + BUNDLE;
        assertEquals("osgi.events." + BUNDLE, LogBridge.loggerOf(reader.entry(LogLevel.INFO, "BundleEvent STARTED", null)));
    }

    private static LogBridge bridgeOn(LogReaderService reader) throws Exception {
        LogBridge bridge = new LogBridge();
        Field field = LogBridge.class.getDeclaredField("reader");
        field.setAccessible(true);
        field.set(bridge, reader);
        bridge.activate();
        return bridge;
    }

    /** A log service that keeps every entry and hands new ones to its listeners in the caller's thread. */
    private static final class FakeReader implements LogReaderService {
        private final List<LogEntry> entries = new ArrayList<>();
        private final List<LogListener> listeners = new ArrayList<>();
        private final Bundle bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getSymbolicName") ? BUNDLE : null);
        private long sequence;
        String loggerName = "LogService";
        Runnable onSnapshot = () -> { };

        void log(LogLevel level, String message, Throwable exception) {
            LogEntry entry = entry(level, message, exception);
            entries.add(entry);
            deliver(entry);
        }

        void deliver(LogEntry entry) {
            for (LogListener listener : List.copyOf(listeners)) listener.logged(entry);
        }

        LogEntry entry(LogLevel level, String message, Throwable exception) {
            long number = sequence++;
            String logger = loggerName;
            return (LogEntry) Proxy.newProxyInstance(LogEntry.class.getClassLoader(), new Class<?>[] {LogEntry.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getLogLevel" -> level;
                        case "getMessage" -> message;
                        case "getException" -> exception;
                        case "getSequence" -> number;
                        case "getBundle" -> bundle;
                        case "getLoggerName" -> logger;
                        default -> null;
                    });
        }

        @Override public void addLogListener(LogListener listener) { listeners.add(listener); }
        @Override public void removeLogListener(LogListener listener) { listeners.remove(listener); }

        @Override
        public Enumeration<LogEntry> getLog() {
            onSnapshot.run();
            List<LogEntry> newestFirst = new ArrayList<>(entries);
            Collections.reverse(newestFirst);
            return Collections.enumeration(newestFirst);
        }
    }
}
