package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Address detection on supplied interface lists (never on this machine's real interfaces). */
class AdvertisedAddressTest {
    static InetAddress ip(String s) throws UnknownHostException {
        return InetAddress.getByName(s);
    }

    @Test
    void configuredAddressWins() {
        assertEquals("10.1.2.3", AdvertisedAddress.choose("10.1.2.3", "0.0.0.0", List.of()));
    }

    @Test
    void concreteBindHostIsAdvertised() {
        assertEquals("127.0.0.1", AdvertisedAddress.choose(null, "127.0.0.1", List.of()));
    }

    @Test
    void wildcardIsNeverAdvertised() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> AdvertisedAddress.choose("0.0.0.0", null, List.of()));
        List<AdvertisedAddress.Interface> onlyLoopback = List.of(new AdvertisedAddress.Interface("lo", true, true, false, List.of(ip("127.0.0.1"))));
        assertEquals("127.0.0.1", AdvertisedAddress.choose(null, "0.0.0.0", onlyLoopback));
    }

    @Test
    void picksFirstSiteLocalIpv4OfAnUpPhysicalInterface() throws Exception {
        List<AdvertisedAddress.Interface> nics = List.of(
                new AdvertisedAddress.Interface("lo", true, true, false, List.of(ip("127.0.0.1"), ip("::1"))),
                new AdvertisedAddress.Interface("eth9", false, false, false, List.of(ip("192.168.9.9"))),
                new AdvertisedAddress.Interface("docker0", true, false, true, List.of(ip("172.17.0.1"))),
                new AdvertisedAddress.Interface("eth0", true, false, false, List.of(ip("fe80::1"), ip("169.254.1.1"), ip("203.0.113.7"), ip("10.0.0.5"))));
        assertEquals("10.0.0.5", AdvertisedAddress.choose(null, null, nics));
    }

    @Test
    void fallsBackToAPublicAddressThenLoopback() throws Exception {
        assertEquals("203.0.113.7", AdvertisedAddress.choose(null, "", List.of(
                new AdvertisedAddress.Interface("eth0", true, false, false, List.of(ip("203.0.113.7"))))));
        assertEquals("127.0.0.1", AdvertisedAddress.choose(null, null, List.of()));
    }
}
