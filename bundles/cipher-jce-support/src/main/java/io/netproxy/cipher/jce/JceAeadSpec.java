package io.netproxy.cipher.jce;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Objects;
import java.util.function.Function;

/**
 * What tells one JCE AEAD with a {@link CounterNonce 96-bit nonce} from another.
 *
 * @param name for messages, such as {@code AES-256-GCM}
 * @param transformation the {@link javax.crypto.Cipher} transformation, such as {@code AES/GCM/NoPadding}
 * @param keyAlgorithm the algorithm of the raw key, such as {@code AES}
 * @param keyLength the key length in bytes
 * @param tagLength the length in bytes of the tag a sealed packet ends with
 * @param parameters the parameters for one nonce; called once per packet, so it should allocate no more than the
 *        parameter object itself
 */
public record JceAeadSpec(String name, String transformation, String keyAlgorithm, int keyLength, int tagLength,
        Function<byte[], ? extends AlgorithmParameterSpec> parameters) {

    public JceAeadSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(transformation, "transformation");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        Objects.requireNonNull(parameters, "parameters");
        if (keyLength <= 0 || tagLength <= 0) {
            throw new IllegalArgumentException("key and tag lengths must be positive: " + keyLength + ", " + tagLength);
        }
    }
}
