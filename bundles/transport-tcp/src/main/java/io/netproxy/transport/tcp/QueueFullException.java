package io.netproxy.transport.tcp;

import java.io.IOException;

/**
 * A data message dropped because its peer reads slower than the tunnel sends. Thrown on the data path under
 * congestion, so it carries no stack trace: the message says all there is.
 */
final class QueueFullException extends IOException {
    QueueFullException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
