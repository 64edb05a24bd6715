#!/usr/bin/env bash
# Builds (or removes) a throwaway test network of namespaces, used by the demo and the end-to-end tests:
#
#   PREFIX-c1 192.0.2.2/28 ──┐                         ┌── PREFIX-srv 198.51.100.10/24 (the VPN server)
#   PREFIX-c2 192.0.2.18/28 ─┴── PREFIX-rtr (router) ──┴── PREFIX-net 203.0.113.10/24 (an "internet" host)
#
# The router forwards between all of them without NAT, so the internet host sees a client's own address
# unless the client's traffic goes through the VPN server, which masquerades it behind 198.51.100.10.
# Only documentation address ranges are used, and nothing touches the host's own namespace: every link
# is created inside the namespaces (sysctls are per namespace).
set -euo pipefail

usage() { echo "usage: $0 up|down PREFIX" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1 p=$2
[[ "$p" =~ ^[a-z0-9-]{1,10}$ ]] || { echo "$0: PREFIX must be 1-10 of a-z 0-9 -" >&2; exit 2; }
namespaces=("$p-c1" "$p-c2" "$p-rtr" "$p-srv" "$p-net")

down() {
  local ns failed=0
  for ns in "${namespaces[@]}"; do
    [ -e "/run/netns/$ns" ] || continue # not "ip netns list | grep -q": grep quitting early fails the pipe
    end_processes "$ns" || failed=1
    ip netns del "$ns" || failed=1
  done
  return "$failed"
}

# Whatever still runs inside (a server, a client, a web server) is ended by pid, until nothing is left: a
# process that was forking while the first list was taken (a launcher starting its background instance) leaves
# a child that the list missed, and a namespace deleted under it would keep that child running, nameless.
end_processes() {
  local pid pids tries=0
  while pids=$(ip netns pids "$1" 2>/dev/null) && [ -n "$pids" ]; do
    for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then echo "$0: processes in $1 survive kill -9: $pids" >&2; return 1; fi
    sleep 0.05
  done
}

# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair created in the host's namespace only for an instant
# would still be a host change, so it is born inside NS_A and its peer moved straight to NS_B.
link() {
  ip -n "$1" link add "$2" type veth peer name "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2"
  ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up
  ip -n "$4" link set "$5" up
}

# IPv6 gives a link its multicast and link-local routes and runs duplicate address detection a moment after
# the link comes up. Waiting for that means whoever looks at a namespace next (a test that compares its routes
# before and after a tunnel, say) sees a settled state rather than one that changes under it.
settle() {
  local ns dev pending deadline=$((SECONDS + 10))
  for ns in "${namespaces[@]}"; do
    while :; do
      pending=0
      for dev in $(ip -n "$ns" -o link show up | awk -F': ' '{sub(/@.*/, "", $2); if ($2 != "lo") print $2}'); do
        [ "$(ip netns exec "$ns" cat "/proc/sys/net/ipv6/conf/$dev/disable_ipv6" 2>/dev/null || echo 1)" = 0 ] || continue
        ip -n "$ns" -6 route show table local dev "$dev" | grep -q '^multicast ff00::/8' || pending=1
        ip -n "$ns" -6 route show dev "$dev" | grep -q '^fe80::/64' || pending=1
      done
      [ -z "$(ip -n "$ns" -6 addr show tentative)" ] || pending=1
      [ "$pending" = 0 ] && break
      if [ "$SECONDS" -ge "$deadline" ]; then echo "$0: IPv6 on the links of $ns did not settle within 10 s" >&2; return 1; fi
      sleep 0.05
    done
  done
}

up() {
  local ns
  for ns in "${namespaces[@]}"; do
    if [ -e "/run/netns/$ns" ]; then
      echo "$0: namespace $ns exists already; run '$0 down $p' first" >&2
      exit 1
    fi
  done
  trap 'down' ERR
  for ns in "${namespaces[@]}"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  link "$p-rtr" c1 192.0.2.1/28 "$p-c1" eth0 192.0.2.2/28
  link "$p-rtr" c2 192.0.2.17/28 "$p-c2" eth0 192.0.2.18/28
  link "$p-rtr" srv 198.51.100.1/24 "$p-srv" eth0 198.51.100.10/24
  link "$p-rtr" net 203.0.113.1/24 "$p-net" eth0 203.0.113.10/24
  ip -n "$p-c1" route add default via 192.0.2.1
  ip -n "$p-c2" route add default via 192.0.2.17
  ip -n "$p-srv" route add default via 198.51.100.1
  ip -n "$p-net" route add default via 203.0.113.1
  ip netns exec "$p-rtr" sysctl -qw net.ipv4.ip_forward=1
  settle
  trap - ERR
}

case "$action" in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
