#!/usr/bin/env bash
# rtt-hops.sh - where a ping's round trip through the tunnel spends its time: the demo topology in namespaces of its
# own, a server and a client with the default directories, pings every 10 ms, and tcpdump on both ends' tunnel
# devices and underlays, so that each ping's time splits into hops (seal, wire, open, the server's kernel, and back).
# `--relay MIB` runs bench/tun-relay.py (a single-threaded relay without encryption, with MIB of touched ballast)
# instead of netproxy: the control for stalls that come from the host rather than from netproxy.
#
#   sudo bench/rtt-hops.sh                          # netproxy, default backend and cipher
#   sudo bench/rtt-hops.sh --cipher chacha20-poly1305 --tun-backend linux
#   sudo bench/rtt-hops.sh --relay 0                # the relay, 14 MiB resident
#   sudo bench/rtt-hops.sh --relay 200              # the relay with a JVM's resident size
#
# Prints a markdown report and writes it to bench/results/netproxy-rtt-hops-<stamp>.md.
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=bench/demo-network.sh
source "$REPO/bench/demo-network.sh"
OUT=${NETPROXY_BENCH_OUT:-$REPO/bench/results}
PINGS=${PINGS:-1000}
PREFIX=nprh$$
PREFIX=${PREFIX:0:10}
CLIENT=192.0.2.2
SERVER=198.51.100.10
SERVER_TUNNEL=198.18.0.1
DIST=""
EXTRA=()
RELAY_MIB=""
SCRATCH=""
CAPTURES=()

log() { printf '[%s] rtt-hops: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local pid
    for pid in "${CAPTURES[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    if [[ -n $SCRATCH && -z $RELAY_MIB ]]; then
        ns c1 "$DIST/bin/netproxy" disconnect >/dev/null 2>&1
        ns srv "$DIST/bin/netproxy" disconnect >/dev/null 2>&1
    fi
    demo_network_down # ends what still runs in the namespaces (the relays, tcpdump) by pid
    [[ -n $SCRATCH ]] && rm -rf "$SCRATCH"
    exit "$rc"
}

wait_for_ping() {
    local i
    for ((i = 0; i < 300; i++)); do
        ns c1 ping -c 1 -W 0.1 -n "$SERVER_TUNNEL" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "no ping through the tunnel after 30 s: $(tail -3 "$SCRATCH"/*.log 2>/dev/null)"
}

start_netproxy() {
    ns srv "$DIST/bin/netproxy" serve --password-file "$SCRATCH/password" --pool 198.18.0.0/24 "${EXTRA[@]}" \
        >"$SCRATCH/server.log" 2>&1 &
    await_server srv "$SCRATCH/server.log" >/dev/null
    ns c1 "$DIST/bin/netproxy" connect "$SERVER" --password-file "$SCRATCH/password" -d "${EXTRA[@]}" \
        >"$SCRATCH/client.log" 2>&1
}

start_relays() {
    ns srv python3 "$REPO/bench/tun-relay.py" np0 6767 - "$RELAY_MIB" >"$SCRATCH/server.log" 2>&1 &
    ns c1 python3 "$REPO/bench/tun-relay.py" np0 6767 "$SERVER:6767" "$RELAY_MIB" >"$SCRATCH/client.log" 2>&1 &
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q relaying "$SCRATCH/server.log" && grep -q relaying "$SCRATCH/client.log" && break
        sleep 0.1
    done
    ((i < 100)) || die "the relays did not start: $(tail -3 "$SCRATCH/server.log" "$SCRATCH/client.log")"
    ns srv ip addr add "$SERVER_TUNNEL/24" dev np0
    ns srv ip link set np0 up
    ns c1 ip addr add 198.18.0.2/24 dev np0
    ns c1 ip link set np0 up
}

device_of() { ns "$1" ip -o route get "$2" | sed -n 's/.* dev \([^ ]*\).*/\1/p'; }

# Resident KiB of the processes in a namespace (the instance, or the relay).
resident_kib() {
    local pid total=0 r
    for pid in $(ip netns pids "$PREFIX-$1"); do
        r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && total=$((total + ${r:-0}))
    done
    echo "$total"
}

# The host's DAMON monitors, if any run: their sampling interval is a period at which page tables are touched.
damon_note() {
    local k
    for k in /sys/kernel/mm/damon/admin/kdamonds/[0-9]*; do
        [[ $(cat "$k/state" 2>/dev/null) == on ]] || continue
        echo "- host: DAMON kdamond $(basename "$k") is on ($(cat "$k"/contexts/0/operations 2>/dev/null) operations, sampling every $(($(cat "$k"/contexts/0/monitoring_attrs/intervals/sample_us 2>/dev/null || echo 0) / 1000)) ms, scheme $(cat "$k"/contexts/0/schemes/0/action 2>/dev/null || echo none))"
    done
}

main() {
    while (($#)); do
        case $1 in
            --dist) DIST=${2:?--dist needs a directory}; shift 2 ;;
            --tun-backend | --transport | --cipher) EXTRA+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
            --relay) RELAY_MIB=${2:?--relay needs MiB of ballast}; [[ $RELAY_MIB =~ ^[0-9]+$ ]] || die "--relay takes MiB"; shift 2 ;;
            -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
            *) die "unknown argument $1" ;;
        esac
    done
    [[ $EUID -eq 0 ]] || die "must run as root (it creates network namespaces): sudo $0"
    [[ -n $RELAY_MIB ]] || require_dist
    local tool
    for tool in ip ping tcpdump python3; do
        command -v "$tool" >/dev/null || die "$tool is missing: apt-get install iproute2 iputils-ping tcpdump python3"
    done
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    SCRATCH=$(mktemp -d /tmp/netproxy-rtt-hops.XXXXXX)
    chmod 755 "$SCRATCH" # tcpdump drops to its own user before it writes
    head -c 24 /dev/urandom | base64 >"$SCRATCH/password"
    chmod 600 "$SCRATCH/password"

    demo_network_up
    if [[ -n $RELAY_MIB ]]; then start_relays; else start_netproxy; fi
    wait_for_ping
    # warm the data path up the way bench.sh does before it measures
    ns c1 ping -q -n -f -s 1372 -w 3 "$SERVER_TUNNEL" >/dev/null 2>&1 || true

    local c_ul s_ul c_tun s_tun
    c_ul=$(device_of c1 "$SERVER") s_ul=$(device_of srv "$CLIENT") c_tun=$(device_of c1 "$SERVER_TUNNEL")
    s_tun=$(ns srv ip -o route show "198.18.0.0/24" | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1)
    local rss_c rss_s # before tcpdump starts in the same namespaces
    rss_c=$(resident_kib c1) rss_s=$(resident_kib srv)
    local capture
    for capture in "c1 $c_tun ctun" "c1 $c_ul cul" "srv $s_ul sul" "srv $s_tun stun"; do
        set -- $capture
        ns "$1" tcpdump -U -n -s 96 -i "$2" -w "$SCRATCH/$3.pcap" >/dev/null 2>&1 &
        CAPTURES+=($!)
    done
    sleep 1
    log "$PINGS pings, 10 ms apart"
    ns c1 ping -n -c "$PINGS" -i 0.01 "$SERVER_TUNNEL" >"$SCRATCH/ping.txt"
    sleep 0.5
    local pid
    for pid in "${CAPTURES[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
    CAPTURES=()
    for capture in ctun cul sul stun; do
        tcpdump -tt -n -r "$SCRATCH/$capture.pcap" >"$SCRATCH/$capture.txt" 2>"$SCRATCH/$capture.err" ||
            die "cannot read the $capture capture: $(cat "$SCRATCH/$capture.err")"
    done

    local stamp report what
    stamp=$(date +%Y%m%d-%H%M%S)
    if [[ -n $RELAY_MIB ]]; then what="bench/tun-relay.py with $RELAY_MIB MiB of ballast (no encryption, one thread)"
    else what="netproxy ${EXTRA[*]:-(defaults)}, distribution \`$DIST\`"; fi
    report=$(
        echo "# Round trips through the tunnel, hop by hop, $(date '+%Y-%m-%d %H:%M:%S %Z')"
        echo
        echo "- command: \`$0 ${EXTRA[*]}${RELAY_MIB:+ --relay $RELAY_MIB}\` (PINGS=$PINGS); $what; $(nproc) CPUs, kernel $(uname -r)"
        echo "- resident memory of the processes in each namespace: client $((rss_c / 1024)) MiB, server $((rss_s / 1024)) MiB"
        damon_note
        echo
        python3 "$REPO/bench/rtt-hops.py" "$SCRATCH" "$CLIENT" "$SERVER"
    )
    echo "$report"
    (umask 022 && mkdir -p "$OUT" && echo "$report" >"$OUT/netproxy-rtt-hops-$stamp.md")
    log "written to $OUT/netproxy-rtt-hops-$stamp.md"
}

main "$@"
