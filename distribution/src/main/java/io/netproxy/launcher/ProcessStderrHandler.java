package io.netproxy.launcher;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * Writes log records to the process's own standard error (the log file of a background instance). Gogo replaces
 * {@code System.err} with a stream that sends each thread's output to the shell session it runs a command for,
 * so a {@code ConsoleHandler}, which writes to whatever {@code System.err} is, sent what the instance logged
 * during a shell command (a swap, say) to that shell client instead of the log. Configured in
 * {@code etc/logging.properties} like a ConsoleHandler ({@code io.netproxy.launcher.ProcessStderrHandler.level},
 * {@code .formatter}).
 */
public final class ProcessStderrHandler extends StreamHandler {
    public ProcessStderrHandler() {
        setOutputStream(new FileOutputStream(FileDescriptor.err));
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
    }

    /** Standard error stays open for whatever else the process writes. */
    @Override
    public synchronized void close() {
        flush();
    }
}
