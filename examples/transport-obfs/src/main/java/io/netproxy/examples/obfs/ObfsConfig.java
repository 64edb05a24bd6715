package io.netproxy.examples.obfs;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The configuration of PID {@value ObfsTransport#PID}, e.g. {@code etc/io.netproxy.transport.obfs.cfg}. */
@ObjectClassDefinition(name = "netproxy obfuscating transport",
        description = "UDP datagrams with masked headers and random padding; both ends need the same key")
@interface ObfsConfig {
    @AttributeDefinition(description = "A file readable by its owner only (mode 0600) that holds the shared"
            + " obfuscation key: at least 16 bytes, for example from 'head -c 32 /dev/urandom'")
    String keyFile();

    @AttributeDefinition(description = "The most random bytes of padding added to a datagram",
            min = "0", max = "" + ObfsCodec.MAX_PADDING_LIMIT)
    int maxPadding() default 64;
}
