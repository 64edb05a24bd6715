/**
 * The extension points of netproxy. Each interface is an OSGi service that a bundle registers with a
 * property naming the implementation ({@code netproxy.transport=udp}, {@code netproxy.cipher=aes-256-gcm},
 * {@code netproxy.tun=linux}, {@code netproxy.netconf=iptables}); the engine picks one by that name or,
 * when a tunnel names none, by the highest {@code service.ranking}.
 *
 * <p>Data moves in {@link io.netproxy.api.PacketBatch batches} of pooled heap buffers so that an
 * implementation can use vectored system calls without an API change.
 */
@Version("1.1.0")
package io.netproxy.api;

import org.osgi.annotation.versioning.Version;
