package io.netproxy.engine.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
    private static AddressPool.ClientKey client(int n) {
        return new AddressPool.ClientKey("key" + n);
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

    @Test
    void eachAddressHasAnIpv6TwinInThePrefix() {
        AddressPool pool = new AddressPool("10.67.0.0/24", "2001:db8:7e::/64");
        assertEquals("2001:db8:7e::1", Ipv6.format(pool.ipv6(pool.serverAddress())));
        int leased = pool.lease(new AddressPool.ClientKey("k"));
        byte[] twin = pool.ipv6(leased);
        assertEquals("2001:db8:7e::2", Ipv6.format(twin));
        assertEquals(pool.slot(leased), pool.slot6(Ipv6.readLong(twin, 0), Ipv6.readLong(twin, 8)));
        byte[] outside = Ipv6.parse("2001:db8:7e::100");
        assertEquals(-1, pool.slot6(Ipv6.readLong(outside, 0), Ipv6.readLong(outside, 8)), "beyond the IPv4 pool's size");
        byte[] otherPrefix = Ipv6.parse("2001:db8:7f::2");
        assertEquals(-1, pool.slot6(Ipv6.readLong(otherPrefix, 0), Ipv6.readLong(otherPrefix, 8)));
        byte[] highHostBit = Ipv6.parse("2001:db8:7e:0:8000::2");
        assertEquals(-1, pool.slot6(Ipv6.readLong(highHostBit, 0), Ipv6.readLong(highHostBit, 8)));
        assertEquals(-1, new AddressPool("10.67.0.0/24").slot6(Ipv6.readLong(twin, 0), Ipv6.readLong(twin, 8)));
    }

    @Test
    void aLongPrefixHoldsTheTwinsAfterItsNetwork() {
        AddressPool pool = new AddressPool("10.67.0.0/28", "2001:db8:7e::ff00/120");
        int leased = pool.lease(new AddressPool.ClientKey("k"));
        assertEquals("2001:db8:7e::ff02", Ipv6.format(pool.ipv6(leased)));
    }

    @Test
    void refusesIpv6PoolsThatCannotHoldTheTwins() {
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> new AddressPool("10.67.0.0/16", "2001:db8:7e::/120"));
        assertTrue(tooSmall.getMessage().contains("at most 112"), tooSmall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.67.0.0/24", "2001:db8:7e::1/64"),
                "host bits");
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.67.0.0/24", "2001:db8::/48"),
                "shorter than 64");
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.67.0.0/24", "2001:db8::/121"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.67.0.0/24", "10.0.0.0/64"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.67.0.0/24", "ipv6.example/64"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("10.67.0.0/24", "::ffff:10.0.0.0/96"));
    }
}
