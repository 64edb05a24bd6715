/**
 * What the JCE-backed cipher suites share: a sealer and an opener over one SunJCE AEAD {@link javax.crypto.Cipher}
 * per key, the counter nonce, the bounds checks for packets from the network and a key that can be wiped.
 *
 * <p>Not an API: each cipher bundle copies this package into itself as a private package (bnd's
 * {@code -conditionalpackage}), so it carries no {@code @Version} and is never exported.
 */
package io.netproxy.cipher.jce;
