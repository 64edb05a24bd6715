#!/usr/bin/env python3
"""rtt-hops.py - where the time of each ping through a tunnel goes; the analysis half of bench/rtt-hops.sh.

   rtt-hops.py DIR CLIENT_UNDERLAY_IP SERVER_UNDERLAY_IP

DIR holds `tcpdump -tt -n -r` text of four captures: ctun.txt (the client's tunnel device), cul.txt (the client's
underlay), sul.txt (the server's underlay) and stun.txt (the server's tunnel device). An echo request is followed
from the client's device to the server's and its reply back; each datagram is the first one after the packet it
carries. Prints markdown.
"""
import bisect
import re
import statistics
import sys

HOPS = [
    ("client seal", "request read from the client's device until its datagram leaves the client"),
    ("wire", "client underlay to server underlay"),
    ("server open", "datagram in at the server until the request is written to the server's device"),
    ("server kernel", "the server's kernel answers the echo"),
    ("server seal", "reply read from the server's device until its datagram leaves the server"),
    ("wire back", "server underlay to client underlay"),
    ("client open", "datagram in at the client until the reply is written to the client's device"),
]
ECHO = re.compile(r"ICMP echo (request|reply), id \d+, seq (\d+)")


def read(directory, name):
    with open(f"{directory}/{name}.txt") as capture:
        return [line.split(" ", 3) for line in capture if line.strip()]


def echoes(lines, kind):
    found = {}
    for fields in lines:
        match = ECHO.search(" ".join(fields))
        if match and match.group(1) == kind:
            found[int(match.group(2))] = float(fields[0])
    return found


def datagrams_from(lines, source_ip):
    return sorted(float(f[0]) for f in lines if len(f) > 2 and f[1] == "IP" and f[2].startswith(source_ip + "."))


def first_after(times, t):
    i = bisect.bisect_left(times, t)
    return times[i] if i < len(times) else None


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main():
    directory, client_ip, server_ip = sys.argv[1:4]
    ctun, cul, sul, stun = (read(directory, n) for n in ("ctun", "cul", "sul", "stun"))
    requests, replies = echoes(ctun, "request"), echoes(ctun, "reply")
    served, answered = echoes(stun, "request"), echoes(stun, "reply")
    client_out, server_in = datagrams_from(cul, client_ip), datagrams_from(sul, client_ip)
    server_out, client_in = datagrams_from(sul, server_ip), datagrams_from(cul, server_ip)

    pings = []
    for seq, t0 in sorted(requests.items()):
        if seq not in replies or seq not in served or seq not in answered:
            continue
        t1 = first_after(client_out, t0)
        t2 = first_after(server_in, t1) if t1 else None
        t5 = first_after(server_out, answered[seq])
        t6 = first_after(client_in, t5) if t5 else None
        points = [t0, t1, t2, served[seq], answered[seq], t5, t6, replies[seq]]
        if None in points or sorted(points) != points:
            continue  # a keepalive or a lost capture in between: leave the ping out rather than guess
        pings.append((seq, points[-1] - t0, [(b - a) * 1e3 for a, b in zip(points, points[1:])]))
    if not pings:
        sys.exit("rtt-hops.py: no ping could be followed through all four captures")

    totals = [p[1] * 1e3 for p in pings]
    median = statistics.median(totals)
    print(f"{len(pings)} pings followed; RTT at the client's device: median {median:.3f} ms, "
          f"p90 {percentile(totals, 0.9):.3f}, p99 {percentile(totals, 0.99):.3f}, max {max(totals):.3f} ms")
    print()
    print("| hop | what | median ms | p99 ms | max ms |")
    print("|---|---|---:|---:|---:|")
    for i, (hop, what) in enumerate(HOPS):
        values = [p[2][i] for p in pings]
        print(f"| {hop} | {what} | {statistics.median(values):.3f} | {percentile(values, 0.99):.3f} | {max(values):.3f} |")
    print()
    slow = sorted(pings, key=lambda p: -p[1])[:10]
    print("The ten slowest, with the time of each hop in ms:")
    print()
    print("| seq | RTT | " + " | ".join(h for h, _ in HOPS) + " |")
    print("|---:|---:|" + "---:|" * len(HOPS))
    for seq, total, hops in slow:
        print(f"| {seq} | {total * 1e3:.3f} | " + " | ".join(f"{h:.3f}" for h in hops) + " |")
    print()
    late = [requests[p[0]] for p in pings if p[1] * 1e3 > 3 * median]
    gaps = [b - a for a, b in zip(late, late[1:]) if b - a > 0.05]
    if len(gaps) >= 3:
        print(f"{len(late)} pings took over 3x the median; the median time between such bursts is "
              f"{statistics.median(gaps) * 1e3:.0f} ms ({len(gaps) + 1} bursts).")
    else:
        print(f"{len(late)} pings took over 3x the median; too few bursts for a period.")


if __name__ == "__main__":
    main()
