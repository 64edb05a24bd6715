#!/usr/bin/env python3
"""tun-relay.py - a minimal TUN<->UDP relay (no encryption), the control in bench/rtt-hops.sh.

   tun-relay.py DEVICE LISTEN_PORT PEER|- BALLAST_MIB

It creates DEVICE (IFF_TUN | IFF_NO_PI), copies every packet read from it to the peer (the last UDP source when
PEER is -) and every datagram received to the device, from one thread, as OpenVPN does. BALLAST_MIB of touched
memory make its resident size that of a JVM, so that a host-level stall which scales with resident memory shows
up here too, with netproxy out of the picture.
"""
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def main():
    device, port, peer, ballast_mib = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    ballast = bytearray(ballast_mib << 20)
    for offset in range(0, len(ballast), 4096):
        ballast[offset] = 1
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", device.encode(), IFF_TUN | IFF_NO_PI))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", port))
    destination = None
    if peer != "-":
        host, peer_port = peer.rsplit(":", 1)
        destination = (host, int(peer_port))
    print("relaying", flush=True)
    while True:
        ready, _, _ = select.select([tun, udp], [], [])
        if tun in ready:
            packet = os.read(tun, 65536)
            if destination:
                udp.sendto(packet, destination)
        if udp in ready:
            packet, destination = udp.recvfrom(65536)
            os.write(tun, packet)


if __name__ == "__main__":
    main()
