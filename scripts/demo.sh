#!/usr/bin/env bash
# The netproxy demo, as root on one machine: builds a throwaway network of namespaces (two clients, a
# router, a VPN server and an "internet" host with a what-is-my-IP service), shows what the internet sees
# from a client without and with the VPN, pings and traceroutes through the tunnel, disconnects, and shows
# that the client's routes are back as they were. Everything it creates is removed at the end, also on
# failure or Ctrl-C. The host's own namespace is never changed.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
prefix="npdemo"
work=$(mktemp -d /tmp/netproxy-demo.XXXXXX)
pids=()
# the default directories' parents that the demo's instances will make, removed again if still empty
made_dirs=()
for dir in /run/netproxy/netns /run/netproxy /var/lib/netproxy/netns /var/lib/netproxy; do
  [ -e "$dir" ] || made_dirs+=("$dir")
done
# bin/netproxy's class data archive (JDK 19+), removed with its directory if the demo's instances made it
made_cache=false
[ -e /var/cache/netproxy ] || made_cache=true

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Give netproxy time to revert its routes and rules before the namespaces go.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  "$root/scripts/netns-topology.sh" down "$prefix" || true
  # netproxy keeps each namespace's socket, log and state in directories of that namespace's name
  rm -rf /run/netproxy/netns/"$prefix"-* /var/lib/netproxy/netns/"$prefix"-*
  local dir
  for dir in "${made_dirs[@]}"; do rmdir "$dir" 2>/dev/null || true; done
  if [ "$made_cache" = true ]; then rm -rf /var/cache/netproxy; fi
  rm -rf "$work"
}

if [ "$(id -u)" != 0 ]; then echo "demo: run as root (it creates network namespaces and TUN devices): sudo $0" >&2; exit 1; fi
for tool in ip iptables-restore java; do
  command -v "$tool" >/dev/null || { echo "demo: '$tool' is missing: apt-get install iproute2 iptables openjdk-17-jdk-headless" >&2; exit 1; }
done
[ -c /dev/net/tun ] || { echo "demo: /dev/net/tun is missing: modprobe tun" >&2; exit 1; }

dist=$(ls -d "$root"/distribution/target/netproxy-*/netproxy-*/ 2>/dev/null | head -n 1 || true)
if [ -z "$dist" ]; then
  say "Building netproxy (mvn -B -q package -DskipTests)"
  (cd "$root" && mvn -B -q package -DskipTests)
  dist=$(ls -d "$root"/distribution/target/netproxy-*/netproxy-*/ | head -n 1)
fi
netproxy="$dist/bin/netproxy"

trap cleanup EXIT
trap 'exit 130' INT TERM

say "Creating the network: clients 192.0.2.2 and 192.0.2.18, VPN server 198.51.100.10, internet host 203.0.113.10"
"$root/scripts/netns-topology.sh" up "$prefix"
ns() { ip netns exec "$prefix-$1" "${@:2}"; }
# A what-is-my-IP request without curl: bash's /dev/tcp, run inside the client's namespace.
whatismyip() { ns "$1" timeout 10 bash -c 'exec 3<>/dev/tcp/203.0.113.10/8080; printf "GET / HTTP/1.0\r\n\r\n" >&3; tail -n 1 <&3'; }

ns net java "$root/scripts/WhatIsMyIp.java" 8080 > "$work/whatismyip.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/whatismyip.log" && break; sleep 0.1; done

say "Without the VPN, the internet host sees client 1 as:"
whatismyip c1

umask 077
printf 'correct horse battery staple\n' > "$work/password"
say "Starting the VPN server in $prefix-srv: netproxy serve --password-file FILE"
ns srv "$netproxy" serve --password-file "$work/password" > "$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q "serving tunnel" "$work/server.log" && break; sleep 0.1; done
grep -v '^WARNING' "$work/server.log" | grep -v ' INFO ' || true

say "Client 1 connects: netproxy connect 198.51.100.10 --password-file FILE -d"
ns c1 ip route > "$work/c1-routes-before"
ns c1 "$netproxy" connect 198.51.100.10 --password-file "$work/password" -d
pids+=($(cat "/run/netproxy/netns/$prefix-c1/netproxy.pid"))

say "With the VPN, the internet host sees client 1 as (the server's address):"
whatismyip c1

say "Client 1's routing table now (the default route stays; two /1 routes go through the tunnel):"
ns c1 ip route

say "Ping and traceroute from client 1 to the internet host, through the tunnel (first hop: the server 10.67.0.1)"
ns c1 ping -c 3 203.0.113.10
if command -v traceroute >/dev/null; then ns c1 traceroute -n -q 1 -w 2 203.0.113.10; else ns c1 tracepath -n 203.0.113.10 || true; fi

say "Status of the client"
ns c1 "$netproxy" status

say "Disconnecting client 1"
ns c1 "$netproxy" disconnect
ns c1 ip route > "$work/c1-routes-after"
if diff -u "$work/c1-routes-before" "$work/c1-routes-after"; then echo "client 1's routes are exactly as before"; fi
say "Without the VPN again, the internet host sees client 1 as:"
whatismyip c1
say "Done; removing the namespaces"
