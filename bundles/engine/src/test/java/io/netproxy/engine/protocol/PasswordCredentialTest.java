package io.netproxy.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PROTOCOL.md 3.1: a server's credential holds what the password gave, and only a whole one is taken. */
class PasswordCredentialTest {
    private static final char[] PASSWORD = "credential test password".toCharArray();

    @Test
    void aCredentialHoldsTheSaltTheKeysAndThePasswordStretchedUnderTheSalt() {
        byte[] credential = PasswordCredential.make(PASSWORD);
        assertEquals(PasswordCredential.LENGTH, credential.length);
        assertEquals(PasswordCredential.VERSION, credential[0]);
        byte[] salt = PasswordCredential.salt(credential);
        assertArrayEquals(PasswordSecrets.prs(PASSWORD, salt), PasswordCredential.prs(credential));
        assertArrayEquals(StaticIdentity.fromPrivateKey(PasswordCredential.privateKey(credential)).publicKey(),
                PasswordCredential.publicKey(credential));
        byte[] another = PasswordCredential.make(PASSWORD);
        assertTrue(!java.util.Arrays.equals(salt, PasswordCredential.salt(another)), "each has a salt of its own");
    }

    @Test
    void aDamagedOrForeignCredentialIsRefused() {
        byte[] credential = PasswordCredential.make(PASSWORD);
        byte[] damaged = credential.clone();
        damaged[60] ^= 1; // in the public key
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordCredential.prs(damaged));
        assertTrue(e.getMessage().contains("its public key is not its private key's"), e.getMessage());

        byte[] version3 = credential.clone();
        version3[0] = 3;
        assertThrows(IllegalArgumentException.class, () -> PasswordCredential.salt(version3));
        assertThrows(IllegalArgumentException.class, () -> PasswordCredential.salt(java.util.Arrays.copyOf(credential, 112)));
    }
}
