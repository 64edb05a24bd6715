#!/usr/bin/env bash
# clients.sh - one server, many clients: aggregate throughput, fairness and the server's CPU as the clients grow.
# Each client is a `connect -d` in a network namespace of its own (its own underlay address on one bridge), with
# the default directories, as users run it; all of them upload to the server's tunnel address at once with iperf3
# (one server port each). Clients are added as the counts grow (1, then 15 more, then 48 more), so a count is
# measured with that many tunnels up. The server's threads are listed by CPU, which shows how it spreads the work.
#
#   sudo bench/clients.sh                        # 1, 16 and 64 clients, 10 s each
#   sudo DURATION=5 WARMUP=2 bench/clients.sh 1 4   # a quick look
#   sudo bench/clients.sh --cipher chacha20-poly1305 --tun-backend linux 1 16
#   sudo bench/clients.sh --simulated            # 1, 16, 64 and 240 clients from one generator (bench/DataLoad.java)
#
# --simulated measures the server alone: it gets one CPU, and one generator process on the other CPU plays every
# client (a handshake each from an address of its own, then data), so no client JVM takes the server's CPU.
# SERVER_CPU sets the server's CPUs (taskset's list, default 0): a server uses one data thread per CPU it may use
# (engine tunable dataThreads), so `SERVER_CPU=0,1` shows how it spreads the clients over its threads.
#
# Prints a markdown report and writes it to bench/results/netproxy-clients-<stamp>.md.
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=bench/demo-network.sh
source "$REPO/bench/demo-network.sh"
OUT=${NETPROXY_BENCH_OUT:-$REPO/bench/results}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
PREFIX=npcl$$
PREFIX=${PREFIX:0:10}
SERVER=192.0.2.1
SERVER_TUNNEL=198.18.0.1
DIST=""
EXTRA=()
COUNTS=()
SCRATCH=""
NAMESPACES=()
CLIENTS=0
HZ=$(getconf CLK_TCK)
SIMULATED=false
# --simulated: the generator's first source address, the inner packets' size and destination (a blackhole in the
# server's namespace), and the CPUs of the server and the generator
GENERATOR_FIRST=192.0.2.10
PACKET=1400
SINK=198.18.255.1
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=1

log() { printf '[%s] clients: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local n pid pids tries
    # SIGTERM first, so that every instance reverts its changes as on a disconnect; then kill what is left, by pid
    for n in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$n" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    done
    for ((tries = 0; tries < 100; tries++)); do
        local left=""
        for n in "${NAMESPACES[@]}"; do left+=$(ip netns pids "$n" 2>/dev/null); done
        [[ -n $left ]] || break
        sleep 0.1
    done
    for n in "${NAMESPACES[@]}"; do
        tries=0
        while pids=$(ip netns pids "$n" 2>/dev/null) && [[ -n $pids && $tries -lt 100 ]]; do
            for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
            tries=$((tries + 1))
            sleep 0.05
        done
        ip netns del "$n" 2>/dev/null
    done
    remove_default_dirs
    [[ -n $SCRATCH ]] && rm -rf "$SCRATCH"
    exit "$rc"
}

# A namespace with one end of a veth on the switch's bridge, at ADDRESS/24.
add_host() { # name address
    local name=$PREFIX-$1
    ip netns add "$name"
    NAMESPACES+=("$name")
    ip -n "$name" link set lo up
    ip -n "$PREFIX-sw" link add "$1" type veth peer name eth0 netns "$name"
    ip -n "$PREFIX-sw" link set "$1" master br0 up
    ip -n "$name" addr add "$2/24" dev eth0
    ip -n "$name" link set eth0 up
}

# CPU ticks (user + system) in a stat file of /proc, of a process, and of several processes summed.
stat_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$1"; }
cpu_ticks() { stat_ticks "/proc/$1/stat"; }
sum_ticks() { local pid total=0; for pid; do total=$((total + $(cpu_ticks "$pid"))); done; echo "$total"; }
# CPU seconds the processes PID... took since they had BEFORE ticks (sum_ticks) between them.
cpu_seconds_since() { # before pid...
    local before=$1
    shift
    awk -v a="$before" -v b="$(sum_ticks "$@")" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }'
}

# Client i: a tunnel from its namespace, and an iperf3 server port on the server for it.
connect_client() {
    local i=$1
    ns srv iperf3 -s -D -B "$SERVER_TUNNEL" -p $((5200 + i)) >/dev/null
    ns "c$i" "$DIST/bin/netproxy" connect "$SERVER" --password-file "$SCRATCH/password" --route "$SERVER_TUNNEL/32" \
        -d "${EXTRA[@]}" >"$SCRATCH/connect-$i.log" 2>&1 || die "client $i did not connect: $(tail -3 "$SCRATCH/connect-$i.log")"
    # A fresh JVM compiles its data path during its first transfer, for seconds of CPU: with many clients on one
    # host that would be all that is measured, where clients on machines of their own would long have done it.
    ns "c$i" iperf3 -c "$SERVER_TUNNEL" -p $((5200 + i)) -t "$WARMUP" >/dev/null
}

# Namespaces are made here, so that clean-up knows them; the connects run eight at a time.
grow_to() {
    local want=$1 batch i
    log "connecting clients $((CLIENTS + 1))-$want"
    while ((CLIENTS < want)); do
        batch=()
        for ((i = CLIENTS + 1; i <= want && i <= CLIENTS + 8; i++)); do
            add_host "c$i" "192.0.2.$((i + 1))"
            connect_client "$i" &
            batch+=($!)
        done
        for i in "${batch[@]}"; do wait "$i" || die "a client failed to connect"; done
        CLIENTS=$((CLIENTS + ${#batch[@]}))
    done
}

# The server's threads by CPU ticks over the measurement: "tid ticks".
thread_ticks() {
    local t
    for t in /proc/"$1"/task/*; do printf '%s %s\n' "${t##*/}" "$(stat_ticks "$t/stat" 2>/dev/null)"; done
}

# "tid name" of a JVM's threads, with the whole Java names (the kernel keeps 15 characters); jcmd beside its java.
thread_names() {
    local jcmd
    jcmd=$(dirname "$(readlink -f "/proc/$1/exe")")/jcmd
    "$jcmd" "$1" Thread.print 2>/dev/null | sed -n 's/^"\([^"]*\)".* nid=\([0-9a-fx]*\) .*/\2 \1/p' |
        while read -r nid name; do echo "$((nid)) ${name// /_}"; done
    for t in /proc/"$1"/task/*; do echo "${t##*/} $(tr ' ' '_' <"$t/comm")"; done # threads jcmd does not list
}

# "name share%, ..." of a JVM's four busiest threads since BEFORE (thread_ticks), of CPU_S seconds in all.
thread_shares() { # pid before names cpu_s
    join <(sort <<<"$2") <(thread_ticks "$1" | sort) |
        awk -v total="$4" -v hz="$HZ" '{ d = ($3 - $2) / hz; if (d > 0 && total > 0) printf "%s %.0f\n", $1, 100 * d / total }' |
        sort -k2 -rn | head -4 | while read -r tid share; do
            echo "$(awk -v t="$tid" '$1 == t { print $2; exit }' <<<"$3") $share%"
        done | paste -sd, - | sed 's/,/, /g'
}

measure() {
    local n=$1 server_pid=$2 i before_server before_threads host_before host_after
    log "$n clients upload for $DURATION s"
    before_server=$(cpu_ticks "$server_pid")
    local client_pids=() before_clients
    for ((i = 1; i <= n; i++)); do client_pids+=("$(instance_pid "c$i")"); done
    before_clients=$(sum_ticks "${client_pids[@]}")
    before_threads=$(thread_ticks "$server_pid")
    host_before=$(awk '/^cpu / { print $2 + $3 + $4 + $6 + $7 + $8, $5 }' /proc/stat)
    local names
    names=$(thread_names "$server_pid")
    local pids=()
    for ((i = 1; i <= n; i++)); do
        ns "c$i" iperf3 -c "$SERVER_TUNNEL" -p $((5200 + i)) -t "$DURATION" -J >"$SCRATCH/iperf-$n-$i.json" 2>&1 &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
    host_after=$(awk '/^cpu / { print $2 + $3 + $4 + $6 + $7 + $8, $5 }' /proc/stat)
    local server_s clients_s busy idle
    server_s=$(cpu_seconds_since "$before_server" "$server_pid")
    clients_s=$(cpu_seconds_since "$before_clients" "${client_pids[@]}")
    read -r busy idle <<<"$(awk -v a="$host_before" -v b="$host_after" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2] }')"
    local rates
    rates=$(for ((i = 1; i <= n; i++)); do
        jq -r '.end.sum_received.bits_per_second // empty' "$SCRATCH/iperf-$n-$i.json" 2>/dev/null || true
    done)
    local got
    got=$(grep -c . <<<"$rates" || true)
    ((got == n)) || log "only $got of $n transfers reported a result"
    local threads
    threads=$(thread_shares "$server_pid" "$before_threads" "$names" "$server_s")
    awk -v n="$n" -v server_s="$server_s" -v d="$DURATION" -v busy="$busy" -v idle="$idle" -v got="$got" -v threads="$threads" -v clients_s="$clients_s" '
        { v[NR] = $1 / 1e6; sum += $1 / 1e9 }
        END {
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "| %d | %.2f | %.0f / %.0f / %.0f | %.2f | %.0f | %.2f | %.2f | %.0f%% | %s |%s\n", n, sum, v[1], med, v[NR],
                server_s / d, 1000 * server_s / d / n, (server_s > 0 ? sum * d / server_s : 0), clients_s / d,
                100 * busy / (busy + idle), threads, (got < n ? " " got " of " n " reported" : "")
        }' < <(sort -g <<<"$rates")
}

# --simulated: COUNT clients from one generator process (bench/DataLoad.java) on the other CPU than the server's;
# what the server opens, and what that costs it.
measure_simulated() {
    local n=$1 server_pid=$2 java=$3 classpath=$4
    log "$n simulated clients send for $DURATION s"
    local before_opened
    before_opened=$(server_opened)
    ns gen taskset -c "$LOAD_CPU" "$java" -cp "$classpath" "$REPO/bench/DataLoad.java" --server "$SERVER:6767" \
        --password-file "$SCRATCH/password" --clients "$n" --first-source "$GENERATOR_FIRST" --target "$SINK" \
        --seconds "$DURATION" >"$SCRATCH/load-$n.out" 2>"$SCRATCH/load-$n.err" &
    local load=$! i
    for ((i = 0; i < 1200; i++)); do
        grep -q "clients connected" "$SCRATCH/load-$n.err" && break
        kill -0 "$load" 2>/dev/null || die "the generator exited: $(tail -3 "$SCRATCH/load-$n.err")"
        sleep 0.05
    done
    local before_server before_threads names before_drops
    before_server=$(cpu_ticks "$server_pid") before_threads=$(thread_ticks "$server_pid")
    before_drops=$(udp_receive_drops)
    names=$(thread_names "$server_pid")
    wait "$load" || die "the generator failed: $(tail -3 "$SCRATCH/load-$n.err")"
    local server_s sent seconds opened drops threads
    server_s=$(cpu_seconds_since "$before_server" "$server_pid")
    drops=$(($(udp_receive_drops) - before_drops)) opened=$(($(server_opened) - before_opened))
    read -r _ sent _ seconds _ <"$SCRATCH/load-$n.out"
    threads=$(thread_shares "$server_pid" "$before_threads" "$names" "$server_s")
    awk -v n="$n" -v sent="$sent" -v s="$seconds" -v opened="$opened" -v drops="$drops" -v cpu="$server_s" \
        -v size="$PACKET" -v threads="$threads" 'BEGIN {
            printf "| %d | %.0f | %.0f | %.2f | %.1f%% / %.1f%% | %.2f | %.1f | %s |\n", n, sent / s / 1000, opened / s / 1000,
                opened * size * 8 / s / 1e9, (sent > 0 ? 100 * (sent - opened) / sent : 0),
                (sent > 0 ? 100 * drops / sent : 0), cpu / s,
                (opened > 0 ? 1e6 * cpu / opened : 0), threads
        }'
}

# Data messages the server has opened (its own counter: the TUN device's would count a run of one flow's packets
# that the offloading backend merged into one write as one) and datagrams its namespace's UDP dropped for a full
# receive buffer.
server_opened() { ns srv "$DIST/bin/netproxy" status --json | jq '.tunnels[0].counters["rx.packets"]'; }
udp_receive_drops() { ns srv awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp; }

main() {
    while (($#)); do
        case $1 in
            --dist) DIST=${2:?--dist needs a directory}; shift 2 ;;
            --tun-backend | --transport | --cipher) EXTRA+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
            --simulated) SIMULATED=true; shift ;;
            -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
            [0-9]*) COUNTS+=("$1"); shift ;;
            *) die "unknown argument $1" ;;
        esac
    done
    if ((${#COUNTS[@]} == 0)); then
        if $SIMULATED; then COUNTS=(1 16 64 240); else COUNTS=(1 16 64); fi
    fi
    local n last=0
    for n in "${COUNTS[@]}"; do
        [[ $n =~ ^[0-9]+$ ]] && ((n > last && n <= 240)) || die "client counts must grow, from 1 to 240: ${COUNTS[*]}"
        last=$n
    done
    [[ $EUID -eq 0 ]] || die "must run as root (it creates network namespaces): sudo $0"
    require_dist
    local tool
    for tool in ip iperf3 jq awk; do
        command -v "$tool" >/dev/null || die "$tool is missing: apt-get install iproute2 iperf3 jq"
    done
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    SCRATCH=$(mktemp -d /tmp/netproxy-clients.XXXXXX)
    head -c 24 /dev/urandom | base64 >"$SCRATCH/password"
    remember_default_dirs

    ip netns add "$PREFIX-sw"
    NAMESPACES+=("$PREFIX-sw")
    ip -n "$PREFIX-sw" link add br0 type bridge
    ip -n "$PREFIX-sw" link set br0 up
    add_host srv "$SERVER"
    local pin=()
    $SIMULATED && pin=(taskset -c "$SERVER_CPU") # the generator has the other CPU
    ns srv "${pin[@]}" "$DIST/bin/netproxy" serve --password-file "$SCRATCH/password" --pool "$SERVER_TUNNEL/16" \
        --egress eth0 "${EXTRA[@]}" >"$SCRATCH/server.log" 2>&1 &
    local i server_pid
    server_pid=$(await_server srv "$SCRATCH/server.log")
    local java java_version rss
    java=$(readlink -f "/proc/$server_pid/exe")
    java_version=$(awk -F'"' '/^JAVA_VERSION=/ { print $2 }' "$(dirname "$(dirname "$java")")/release" 2>/dev/null || echo '?')

    local rows=() stamp
    if $SIMULATED; then
        add_host gen 192.0.2.2
        local first=${GENERATOR_FIRST##*.}
        for ((i = 0; i < COUNTS[-1]; i++)); do ns gen ip addr add "192.0.2.$((first + i))/24" dev eth0; done
        ns srv ip route add blackhole "${SINK%.*}.0/24"
        local classpath
        classpath=$(ls "$DIST"/bundle/{engine,api,bcprov}-*.jar | paste -sd: -)
        # the first run compiles the server's data path; measure none while it does
        DURATION=$WARMUP measure_simulated "${COUNTS[0]}" "$server_pid" "$java" "$classpath" >/dev/null
        for n in "${COUNTS[@]}"; do
            rows+=("$(measure_simulated "$n" "$server_pid" "$java" "$classpath")")
            log "${rows[-1]}"
        done
    else
        for n in "${COUNTS[@]}"; do
            grow_to "$n"
            sleep 2
            rows+=("$(measure "$n" "$server_pid")")
            log "${rows[-1]}"
        done
    fi
    rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$server_pid/status")
    stamp=$(date +%Y%m%d-%H%M%S)
    local report
    report=$(
        echo "# netproxy, one server and many clients, $(date '+%Y-%m-%d %H:%M:%S %Z')"
        echo
        echo "- command: \`$0 ${EXTRA[*]}$($SIMULATED && echo " --simulated") ${COUNTS[*]}\` (DURATION=$DURATION, WARMUP=$WARMUP), distribution \`$DIST\`, JDK $java_version, $(nproc) CPUs"
        if $SIMULATED; then
            echo "- setup: a bridge in a namespace, the server at $SERVER (\`serve --password-file F --pool $SERVER_TUNNEL/16 --egress eth0 ${EXTRA[*]}\`) under \`taskset -c $SERVER_CPU\`, and in one namespace bench/DataLoad.java under \`taskset -c $LOAD_CPU\`: each simulated client handshakes from an address of its own ($GENERATOR_FIRST onwards) in password mode with a client id of its own, then they take turns sending AES-256-GCM data, one $PACKET-byte IPv4/UDP packet each, to $SINK (a blackhole route in the server's namespace), as fast as the generator's one thread seals; a WARMUP-second run before the first count is not measured"
            echo "- a count's sessions stay on the server for the next counts; the server's resident memory at the end: $rss MiB"
            echo
            echo "| clients | sent kpps | opened kpps | opened Gbit/s | not opened / of those, dropped by the server's full UDP receive buffer | server CPU cores | server CPU µs per packet | server threads by CPU share |"
            echo "|---:|---:|---:|---:|---:|---:|---:|---|"
        else
            echo "- setup: a bridge in a namespace, the server at $SERVER (\`serve --password-file F --pool $SERVER_TUNNEL/16 --egress eth0 ${EXTRA[*]}\`) and each client in a namespace of its own (\`connect $SERVER --password-file F --route $SERVER_TUNNEL/32 -d ${EXTRA[*]}\`), default directories and JVM options; every client uploads to the server's tunnel address with iperf3 (one TCP stream, one server port each), all at once; each client made a WARMUP-second transfer of its own when it connected, so that no JVM is still compiling its data path"
            echo "- everything shares the host's CPUs: the server, every client JVM, the iperf3 processes and the kernel; the server's resident memory at the end: $rss MiB"
            echo
            echo "| clients | aggregate Gbit/s | per client Mbit/s, min / median / max | server CPU cores | server CPU ms/s per client | Gbit per server CPU-s | client JVMs' CPU cores | host CPU busy | server threads by CPU share |"
            echo "|---:|---:|---|---:|---:|---:|---:|---:|---|"
        fi
        printf '%s\n' "${rows[@]}"
    )
    echo "$report"
    (umask 022 && mkdir -p "$OUT" && echo "$report" >"$OUT/netproxy-clients-$stamp.md")
    log "written to $OUT/netproxy-clients-$stamp.md"
}

main "$@"
