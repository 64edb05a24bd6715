/**
 * The netproxy v1 wire protocol: the Noise_IKpsk2 handshake, its payloads, the data message header and the
 * replay window. Pure functions of bytes and keys, no I/O and no threads, so that every part can be tested
 * alone; PROTOCOL.md at the project root is the normative description.
 */
package io.netproxy.engine.protocol;
