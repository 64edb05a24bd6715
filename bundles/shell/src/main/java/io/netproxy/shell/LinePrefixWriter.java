package io.netproxy.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/** Writes each complete line to the control connection behind a prefix ({@code OUT } or {@code ERR }). */
final class LinePrefixWriter extends PrintWriter {
    LinePrefixWriter(Writer target, String prefix) {
        super(new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                for (int i = off; i < off + len; i++) {
                    if (cbuf[i] == '\n') {
                        synchronized (target) {
                            target.write(prefix + line + "\n");
                            target.flush();
                        }
                        line.setLength(0);
                    } else if (cbuf[i] != '\r') {
                        line.append(cbuf[i]);
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                if (line.length() > 0) write(new char[] {'\n'}, 0, 1);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
    }
}
