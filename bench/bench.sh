#!/usr/bin/env bash
# shellcheck disable=SC2317 # clean-up functions are called from traps
# bench.sh - netproxy against OpenVPN and wireguard-go, measured in one run of the shared anchor
# benchmark (../shared/bench/anchors.sh), so that every row comes from the same host, kernel,
# iperf3 and noise guard.  netproxy is plugged in through anchors.sh's BENCH_PLUGIN hook
# (netproxy-plugin.sh next to this file).  See README.md here.
#
#   sudo bench/bench.sh                                   # anchors' built-ins + netproxy on every JDK found
#   sudo DURATION=3 PINGS=20 bench/bench.sh direct netproxy-aes-jdk25
#   sudo ROUNDS=3 WAIT_IDLE=600 bench/bench.sh --dist /opt/netproxy
#
# All traffic stays in the two namespaces anchors.sh creates; anchors.sh kills their processes and
# deletes them.  This script adds a last check for netproxy JVMs (by pid) and removes its scratch dir.
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
PLUGIN=$REPO/bench/netproxy-plugin.sh
ANCHORS=${ANCHORS:-$REPO/../shared/bench/anchors.sh}
OUT=${NETPROXY_BENCH_OUT:-$REPO/bench/results}
DIST=""
# Same list as anchors.sh's DEFAULT_SYSTEMS; netproxy rows are added per JDK found.
ANCHOR_SYSTEMS="direct openvpn-udp-aes openvpn-udp-chacha openvpn-tcp-aes openvpn-tcp-aes-nodelay wireguard-go"

SCRATCH=""
ANCHORS_PID=""

usage() {
    cat <<EOF
usage: sudo [VAR=value...] $0 [--dist DIR] [--anchors FILE] [--out DIR] [--list] [SYSTEM...]
       sudo [VAR=value...] $0 handshakes|footprint|clients|rtt-hops [ARGS...]

  --dist DIR      netproxy distribution (default: $REPO/distribution/target/netproxy-*/netproxy-*)
  --anchors FILE  the anchor benchmark (default: \$ANCHORS or $REPO/../shared/bench/anchors.sh)
  --out DIR       results directory (default: $REPO/bench/results)
  --list          print the systems this host can run and exit
  SYSTEM...       subset to run (default: all; also \$SYSTEMS)
the other measurements, each by its script here (see README.md): handshakes (handshakes per second on one core),
  footprint (resident memory and connect time), clients (1, 16 and 64 clients on one server), rtt-hops (round trips
  hop by hop)

anchors.sh knobs pass through the environment: DURATION PARALLEL PINGS ROUNDS WAIT_IDLE KEEP_LOGS ...
netproxy knobs: NETPROXY_BENCH_WARMUP (s, 3) NETPROXY_BENCH_ROUTE (CIDR or "full"; default 198.18.0.2/32)
  NETPROXY_BENCH_PORT (6767) NETPROXY_BENCH_ARGS (extra serve/connect args) NETPROXY_BENCH_JAVAS
  ("17=/path/bin/java 25=/path/bin/java"; default: every JDK 17+ under /usr/lib/jvm and \$JAVA_HOME)
EOF
}

log() { printf '[%s] bench: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ JDKs --
java_feature() { # java binary -> feature version (17, 21, 25...) or nothing
    local home rel v
    home=$(dirname "$(dirname "$(readlink -f "$1")")")
    rel=$home/release
    # The release file is instant; starting a JVM per candidate is the fallback.
    if [[ -r $rel ]]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
    else
        v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2; exit }')
        v=${v%%.*}
    fi
    [[ $v =~ ^[0-9]+$ ]] && echo "$v"
}

# "FEATURE=/path/bin/java ..." with one JDK per feature version (17+), newest first.
detect_javas() {
    local j real v seen=" " out=()
    for j in ${JAVA_HOME:+$JAVA_HOME/bin/java} /usr/lib/jvm/*/bin/java; do
        [[ -x $j ]] || continue
        real=$(readlink -f "$j")
        [[ $seen == *" $real "* ]] && continue
        seen+="$real "
        v=$(java_feature "$real") || continue
        ((v >= 17)) || continue
        [[ " ${out[*]} " == *" $v="* ]] && continue
        out+=("$v=$real")
    done
    printf '%s\n' "${out[@]}" | sort -t= -k1,1nr | paste -sd' '
}

# ------------------------------------------------------------ clean-up --
# netproxy JVMs this run started that are still alive (anchors.sh should have killed them all).
# The command line is checked first, so a recycled pid is never hit.
kill_leftover_jvms() {
    local pid i
    [[ -n $SCRATCH && -r $SCRATCH/jvm.pids ]] || return 0
    while read -r pid; do
        [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || continue
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "io.netproxy.launcher.Main" || continue
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-Dnetproxy.home=$DIST " || continue
        log "WARNING: netproxy JVM $pid survived the namespace cleanup; killing it"
        kill -TERM "$pid" 2>/dev/null || continue
        for ((i = 0; i < 50; i++)); do
            [[ -d /proc/$pid ]] || break
            sleep 0.1
        done
        [[ -d /proc/$pid ]] && kill -KILL "$pid" 2>/dev/null
    done <"$SCRATCH/jvm.pids"
    return 0
}

stop_anchors() {
    [[ -n $ANCHORS_PID ]] || return 0
    if kill -0 "$ANCHORS_PID" 2>/dev/null; then
        # anchors.sh's TERM trap kills the namespace processes and deletes the namespaces.
        kill -TERM "$ANCHORS_PID" 2>/dev/null || true
        wait "$ANCHORS_PID" 2>/dev/null || true
    fi
    ANCHORS_PID=""
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_anchors
    kill_leftover_jvms
    # the password file lives here
    [[ -n $SCRATCH && -d $SCRATCH ]] && rm -rf "$SCRATCH"
    exit "$rc"
}

# ---------------------------------------------------------------- checks --
pkg_of() { # command -> Debian package, for the install hint
    case $1 in
        ip | ss) echo iproute2 ;;
        ping) echo iputils-ping ;;
        wg) echo wireguard-tools ;;
        iptables-restore) echo iptables ;;
        sysctl) echo procps ;;
        timeout) echo coreutils ;;
        getconf) echo libc-bin ;;
        awk) echo gawk ;;
        *) echo "$1" ;;
    esac
}

check_tools() { # systems...
    local sys c missing=() pkgs=()
    local -a need=(ip iperf3 ping jq awk timeout ss getconf)
    for sys in "$@"; do
        case $sys in
            openvpn-*) need+=(openvpn openssl) ;;
            wireguard-go) need+=(wireguard-go wg) ;;
            # the server's network plan runs these inside its namespace
            netproxy-*) need+=(iptables-restore sysctl) ;;
        esac
    done
    for c in "${need[@]}"; do
        command -v "$c" >/dev/null 2>&1 && continue
        [[ " ${missing[*]} " == *" $c "* ]] && continue
        missing+=("$c")
        pkgs+=("$(pkg_of "$c")")
    done
    ((${#missing[@]} == 0)) && return 0
    die "missing commands: ${missing[*]} - install with: apt-get install ${pkgs[*]}
  (everything anchors.sh and netproxy can need: apt-get install iperf3 jq openvpn openssl wireguard-go wireguard-tools iputils-ping iproute2 iptables procps)"
}

find_dist() {
    local d found=()
    for d in "$REPO"/distribution/target/netproxy-*/netproxy-*; do
        [[ -d $d && -x $d/bin/netproxy ]] && found+=("$d")
    done
    ((${#found[@]} == 1)) || die "found ${#found[@]} distributions under $REPO/distribution/target (build one with 'mvn -q package', or pass --dist DIR)"
    echo "${found[0]}"
}

# --------------------------------------------------------------- results --
git_describe() {
    local rev dirty=""
    rev=$(git -c safe.directory="$REPO" -C "$REPO" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
    [[ -z $(git -c safe.directory="$REPO" -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]] ||
        dirty=" + uncommitted changes"
    echo "$rev$dirty"
}

write_results() { # stamp cmdline
    local stamp=$1 cmdline=$2 md tsv entry jar jars port route extra=""
    md=$OUT/netproxy-bench-$stamp.md
    tsv=$OUT/netproxy-bench-$stamp.tsv
    # results are for reading: not the 077 umask meant for the scratch files
    (umask 022 && mkdir -p "$OUT")
    jars=("$DIST"/lib/netproxy-*.jar)
    jar=$(basename "${jars[0]}" .jar)
    {
        echo "# netproxy benchmark, $(date '+%Y-%m-%d %H:%M:%S %Z')"
        echo
        echo "- command: \`$cmdline\`"
        echo "- netproxy: \`$DIST\` ($jar, built $(date -r "$DIST/lib/$jar.jar" '+%Y-%m-%d %H:%M' 2>/dev/null || echo '?')); repo $(git_describe)"
        for entry in $NETPROXY_BENCH_JAVAS; do
            echo "- JDK ${entry%%=*}: \`${entry#*=}\` ($("${entry#*=}" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ { print $2; exit }'))"
        done
        port=${NETPROXY_BENCH_PORT:-6767} route="--route ${NETPROXY_BENCH_ROUTE:-198.18.0.2/32}"
        [[ ${NETPROXY_BENCH_ROUTE:-} == full ]] && route="(full tunnel)"
        [[ -n ${NETPROXY_BENCH_ARGS:-} ]] && extra=", both with \`$NETPROXY_BENCH_ARGS\`"
        echo "- netproxy setup: password mode; server \`serve --bind 192.0.2.2 --port $port --pool 198.18.0.2/24 --cipher C\`," \
            "client \`connect 192.0.2.2:$port --cipher C $route\`$extra; tunnel MTU as the server pushes it;" \
            "a default route via 192.0.2.1 in the server namespace (the server will not start without one);" \
            "${NETPROXY_BENCH_WARMUP:-3} s ping flood through the tunnel before measuring (JIT warm-up, counted in no column)"
        echo "- anchors: \`$(readlink -f "$ANCHORS")\` (sha256 $(sha256sum "$ANCHORS" | cut -c1-12))"
        echo
        # anchors.sh's own title (and the blank line after it) would make a second H1
        sed '1{/^# /d}; 2{/^$/d}' "$SCRATCH/anchors.md"
    } >"$md"
    cp "$SCRATCH/anchors.tsv" "$tsv"
    chmod 644 "$md" "$tsv"
    # under sudo, leave the files to the developer who asked for them
    if [[ -n ${SUDO_UID:-} && -n ${SUDO_GID:-} ]]; then
        chown "$SUDO_UID:$SUDO_GID" "$OUT" "$md" "$tsv" 2>/dev/null || true
    fi
    RESULT_FILES="$md $tsv"
}

# ------------------------------------------------------------------ main --
main() {
    local list=0 rc stamp cmdline="" entry v
    local -a systems=()
    # the knobs that change the numbers belong in the recorded command line
    for v in DURATION PARALLEL PINGS PING_INTERVAL ROUNDS UNDERLAY_MTU SETTLE WAIT_IDLE NOISE_MAX_PCT \
        NOISE_RETRIES WG_MTU OVPN_EXTRA_ARGS SYSTEMS NETPROXY_BENCH_WARMUP NETPROXY_BENCH_ROUTE \
        NETPROXY_BENCH_PORT NETPROXY_BENCH_ARGS NETPROXY_BENCH_JAVAS; do
        [[ -n ${!v:-} ]] && cmdline+="$v=${!v@Q} "
    done
    cmdline+="$0 $*"
    while (($#)); do
        case $1 in
            --dist) DIST=${2:?--dist needs a directory}; shift 2 ;;
            --anchors) ANCHORS=${2:?--anchors needs a file}; shift 2 ;;
            --out) OUT=${2:?--out needs a directory}; shift 2 ;;
            --list) list=1; shift ;;
            -h | --help) usage; exit 0 ;;
            -*) usage >&2; exit 2 ;;
            *) systems+=("$1"); shift ;;
        esac
    done

    NETPROXY_BENCH_JAVAS=${NETPROXY_BENCH_JAVAS:-$(detect_javas)}
    local all=$ANCHOR_SYSTEMS
    for entry in $NETPROXY_BENCH_JAVAS; do
        all+=" netproxy-aes-jdk${entry%%=*} netproxy-chacha-jdk${entry%%=*} netproxy-offload-aes-jdk${entry%%=*}"
        all+=" netproxy-offload-chacha-jdk${entry%%=*} netproxy-tcp-aes-jdk${entry%%=*}"
    done
    if ((list)); then echo "$all"; exit 0; fi
    if ((${#systems[@]} == 0)); then
        # shellcheck disable=SC2206 # word lists
        systems=(${SYSTEMS:-$all})
    fi

    [[ $EUID -eq 0 ]] || die "must run as root (anchors.sh creates network namespaces): sudo $0 ..."
    [[ -r $ANCHORS ]] || die "anchors.sh not found at $ANCHORS (set ANCHORS= or --anchors; shared/ is expected beside the repo)"
    [[ -n $DIST ]] || DIST=$(find_dist)
    DIST=$(cd "$DIST" && pwd) || die "no such distribution dir: $DIST"
    [[ -x $DIST/bin/netproxy ]] || die "$DIST/bin/netproxy missing or not executable"
    [[ -c /dev/net/tun ]] || die "/dev/net/tun is missing: no VPN can run here"
    check_tools "${systems[@]}"
    if [[ " ${systems[*]}" == *" netproxy-"* && -z $NETPROXY_BENCH_JAVAS ]]; then
        die "no JDK 17+ found (apt-get install openjdk-17-jre-headless, or set NETPROXY_BENCH_JAVAS)"
    fi

    trap cleanup EXIT
    trap 'log "interrupted, cleaning up"; exit 130' INT
    trap 'log "terminated, cleaning up"; exit 143' TERM
    SCRATCH=$(mktemp -d /tmp/netproxy-bench.XXXXXX)
    # a fresh random password per run; nothing outside the namespaces can reach the tunnels anyway
    head -c 24 /dev/urandom | base64 >"$SCRATCH/password"
    chmod 600 "$SCRATCH/password"
    : >"$SCRATCH/jvm.pids"

    export NETPROXY_BENCH_DIST=$DIST NETPROXY_BENCH_SCRATCH=$SCRATCH \
        NETPROXY_BENCH_PASSWORD_FILE=$SCRATCH/password NETPROXY_BENCH_JAVAS
    stamp=$(date +%Y%m%d-%H%M%S)
    log "systems: ${systems[*]}"
    log "netproxy: $DIST, JDKs: $NETPROXY_BENCH_JAVAS"
    log "anchors: $ANCHORS"

    # In the background so that a signal reaches this shell at once and cleanup() can stop anchors.sh
    # (which then runs its own namespace clean-up) before looking for leftovers.
    RESULTS_MD=$SCRATCH/anchors.md RESULTS_TSV=$SCRATCH/anchors.tsv RESULTS_APPEND=0 \
        BENCH_PLUGIN="${BENCH_PLUGIN:+$BENCH_PLUGIN }$PLUGIN" \
        bash "$ANCHORS" "${systems[@]}" &
    ANCHORS_PID=$!
    rc=0
    wait "$ANCHORS_PID" || rc=$?
    ANCHORS_PID=""

    kill_leftover_jvms
    if [[ -s $SCRATCH/anchors.md && -s $SCRATCH/anchors.tsv ]]; then
        write_results "$stamp" "$cmdline"
        log "results: $RESULT_FILES"
        echo "$RESULT_FILES" | tr ' ' '\n'
    else
        log "anchors.sh wrote no results (exit $rc)"
    fi
    # 2 = some system failed (its row says why); anything else is anchors.sh's own error
    exit "$rc"
}

# The measurements that are not anchors.sh rows have scripts of their own; bench.sh MODE runs one, in this directory.
case ${1:-} in
    handshakes | footprint | clients | rtt-hops)
        mode=$1
        shift
        exec "$REPO/bench/$mode.sh" "$@"
        ;;
esac
main "$@"
