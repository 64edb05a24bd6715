package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
    private static AddressPool.ClientKey client(int n) {
        return new AddressPool.ClientKey("key", "id" + n);
    }

    @Test
    void serverTakesFirstHostAndClientsTheRest() {
        AddressPool pool = new AddressPool("10.67.0.0/24");
        assertEquals(Ipv4.parse("10.67.0.1"), pool.serverAddress());
        assertEquals(Ipv4.parse("10.67.0.2"), pool.lease(client(1)));
        assertEquals(Ipv4.parse("10.67.0.3"), pool.lease(client(2)));
    }

    @Test
    void hostBitsNameTheServerAddress() {
        AddressPool pool = new AddressPool("198.18.0.2/24");
        assertEquals(Ipv4.parse("198.18.0.2"), pool.serverAddress());
        assertEquals(Ipv4.parse("198.18.0.1"), pool.lease(client(1)));
        assertEquals(Ipv4.parse("198.18.0.3"), pool.lease(client(2)));
    }

    @Test
    void sameClientKeepsItsLeaseAndReleasedAddressesComeBack() {
        AddressPool pool = new AddressPool("10.0.0.0/30");
        int a = pool.lease(client(1));
        assertEquals(a, pool.lease(client(1)));
        assertThrows(IllegalStateException.class, () -> pool.lease(client(2)));
        pool.release(client(1));
        assertEquals(a, pool.lease(client(2)));
    }

    @Test
    void neverHandsOutNetworkServerOrBroadcast() {
        AddressPool pool = new AddressPool("10.1.0.0/28");
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 13; i++) {
            int address = pool.lease(client(i));
            assertNotEquals(pool.serverAddress(), address);
            assertNotEquals(Ipv4.parse("10.1.0.0"), address);
            assertNotEquals(Ipv4.parse("10.1.0.15"), address);
            seen.add(address);
        }
        assertEquals(13, seen.size());
        assertThrows(IllegalStateException.class, () -> pool.lease(client(99)));
    }

    @Test
    void rejectsBadPools() {
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.0.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.0.0.0/31"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.0.0.255/24"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.0.0.300/24"));
    }
}
