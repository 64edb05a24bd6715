# shellcheck shell=bash disable=SC2034 # POSTUP and SYS_NOTE are read by anchors.sh
# netproxy-plugin.sh - netproxy systems for ../shared/bench/anchors.sh (BENCH_PLUGIN hook).
#
# Sourced by anchors.sh, not run.  bench.sh sets it up; it needs these variables:
#   NETPROXY_BENCH_DIST           distribution dir (holds bin/netproxy)
#   NETPROXY_BENCH_SCRATCH        bench.sh's private scratch dir (per-instance run/state dirs, JVM pid list)
#   NETPROXY_BENCH_PASSWORD_FILE  0600 file with the tunnel password
#   NETPROXY_BENCH_JAVAS          "FEATURE=/path/to/java ..." - one system pair per JDK
# Optional: NETPROXY_BENCH_PORT (6767), NETPROXY_BENCH_ROUTE (client --route, default $TUN_S/32;
# "full" = no --route, i.e. full tunnel), NETPROXY_BENCH_WARMUP (seconds, 3),
# NETPROXY_BENCH_START_TIMEOUT (seconds, 60), NETPROXY_BENCH_ARGS (extra args for both sides).
#
# Defines systems netproxy-aes-jdk<N> and netproxy-chacha-jdk<N> (UDP), netproxy-offload-aes-jdk<N> and
# netproxy-offload-chacha-jdk<N> (UDP with the offloading TUN backend linux-offload) and netproxy-tcp-aes-jdk<N> (the
# TCP transport, to set beside openvpn-tcp-aes-nodelay) for every JDK in NETPROXY_BENCH_JAVAS.
# Functions below run inside anchors.sh's per-system subshell and use its helpers and variables
# (ns_bg, die, log, wait_until, port_listening, NS_C, NS_S, SYS_DIR, TUN_*, UL_*, VETH_*).

np_java_for() { # FEATURE -> path of that JDK's java
    local entry
    for entry in ${NETPROXY_BENCH_JAVAS:-}; do
        [[ ${entry%%=*} == "$1" ]] && { echo "${entry#*=}"; return 0; }
    done
    return 1
}

np_cipher_name() { # short system-name part -> netproxy --cipher value
    case $1 in
        aes) echo aes-256-gcm ;;
        chacha) echo chacha20-poly1305 ;;
        *) return 1 ;;
    esac
}

np_alive() { # a zombie still has a /proc entry, so look at the state too
    local state
    state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]]
}

# Wait for PATTERN in LOG while PID lives; the JVM dying early should fail fast, not after a timeout.
np_wait_log() { # pid log pattern timeout what
    local pid=$1 logf=$2 pattern=$3 end=$((SECONDS + $4))
    until grep -qE "$pattern" "$logf" 2>/dev/null; do
        np_alive "$pid" || die "netproxy $5 exited during startup: $(tail -n 5 "$logf" | tr '\n' ' ')"
        ((SECONDS < end)) || die "netproxy $5 not ready after $4 s: $(tail -n 5 "$logf" | tr '\n' ' ')"
        sleep 0.2
    done
}

# np_launch SIDE NS JAVA ARGS... : start bin/netproxy in NS with its own run/state dirs, record the pid.
# ip netns exec -> env -> bin/netproxy all exec(), so $! ends up being the JVM itself.
np_launch() {
    local side=$1 ns=$2 java=$3 dir
    shift 3
    dir=$NP_SYS_SCRATCH/$side
    mkdir -p "$dir/run" "$dir/state"
    # shellcheck disable=SC2086 # NETPROXY_BENCH_ARGS is a word list on purpose
    ns_bg "$ns" "$SYS_DIR/$side.log" env NETPROXY_JAVA="$java" NETPROXY_RUN_DIR="$dir/run" \
        NETPROXY_STATE_DIR="$dir/state" "$NETPROXY_BENCH_DIST/bin/netproxy" "$@" ${NETPROXY_BENCH_ARGS:-}
    NP_PID=$!
    # bench.sh kills whatever is left on this list after anchors.sh's own cleanup
    echo "$NP_PID" >>"$NETPROXY_BENCH_SCRATCH/jvm.pids"
    echo "$side $NP_PID $ns" >>"$NP_SYS_SCRATCH/pids"
}

np_start() { # short-cipher jdk-feature [transport [tun-backend]]
    local cipher java port=${NETPROXY_BENCH_PORT:-6767} route=${NETPROXY_BENCH_ROUTE:-$TUN_S/32} transport=${3:-udp}
    local backend=${4:-linux}
    local tmo=${NETPROXY_BENCH_START_TIMEOUT:-60} spid
    local -a route_args=()
    [[ -n ${NETPROXY_BENCH_DIST:-} && -n ${NETPROXY_BENCH_SCRATCH:-} && -r ${NETPROXY_BENCH_PASSWORD_FILE:-} ]] ||
        die "netproxy systems need NETPROXY_BENCH_DIST/SCRATCH/PASSWORD_FILE - run them through bench/bench.sh"
    cipher=$(np_cipher_name "$1") || die "unknown netproxy cipher '$1'"
    java=$(np_java_for "$2") || die "no JDK $2 in NETPROXY_BENCH_JAVAS"
    NP_SYS_SCRATCH=$NETPROXY_BENCH_SCRATCH/$(basename "$SYS_DIR")
    mkdir -p "$NP_SYS_SCRATCH"
    [[ $route == full ]] || route_args=(--route "$route")

    # The bench namespaces have no default route, so the NAT egress is named (nothing is forwarded here).
    # Pool host bits name the server's address: 198.18.0.2/24 -> server .2, first client .1.
    np_launch server "$NS_S" "$java" serve --bind "$UL_S" --port "$port" --egress "$VETH_S" \
        --password-file "$NETPROXY_BENCH_PASSWORD_FILE" --pool "$TUN_S/24" --cipher "$cipher" --transport "$transport" --tun-backend "$backend"
    spid=$NP_PID
    # The JVM + Felix take a few seconds; a client started earlier would only back off and retry.
    np_wait_log "$spid" "$SYS_DIR/server.log" 'serving on' "$tmo" server
    port_listening "$NS_S" "$transport" "$port" ||
        die "netproxy server logged 'serving on' but has no ${transport^^} socket on $port"

    np_launch client "$NS_C" "$java" connect "$UL_S:$port" \
        --password-file "$NETPROXY_BENCH_PASSWORD_FILE" --cipher "$cipher" --transport "$transport" --tun-backend "$backend" "${route_args[@]}"
    np_wait_log "$NP_PID" "$SYS_DIR/client.log" 'connected to ' "$tmo" client
    POSTUP="np_check $cipher $java $transport $backend"
}

# Runs once the tunnel pings: prove the setup is what the row claims, then warm up the JIT.
np_check() { # cipher java transport tun-backend
    local cipher=$1 java=$2 transport=$3 backend=$4 side pid ns actual_ns exe want_exe ver warm=${NETPROXY_BENCH_WARMUP:-3}
    want_exe=$(readlink -f "$java")
    while read -r side pid ns; do
        np_alive "$pid" || die "netproxy $side (pid $pid) is gone"
        # The CPU columns and anchors.sh's cleanup only see processes inside the namespaces.
        actual_ns=$(ip netns identify "$pid" 2>/dev/null || true)
        [[ $actual_ns == "$ns" ]] || die "netproxy $side JVM $pid runs in netns '${actual_ns:-host?}', not $ns"
        exe=$(readlink -f "/proc/$pid/exe")
        [[ $exe == "$want_exe" ]] || die "netproxy $side pid $pid runs $exe, expected $want_exe"
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'io.netproxy.launcher.Main' ||
            die "pid $pid ($side) is not the netproxy JVM"
    done <"$NP_SYS_SCRATCH/pids"
    grep -qE "client .* connected from .*, $cipher\$" "$SYS_DIR/server.log" ||
        die "server did not report a client with $cipher: $(grep -E 'connected' "$SYS_DIR/server.log" | tail -1)"
    # the client's line ends with the transport it connected over ("..., aes-256-gcm over tcp")
    grep -qE "connected to .* as $TUN_C/[0-9]+ on .*, $cipher over $transport\$" "$SYS_DIR/client.log" ||
        die "client is not $TUN_C with $cipher over $transport: $(grep -E 'connected' "$SYS_DIR/client.log" | tail -1)"
    for side in server client; do
        grep -q "opened TUN .*(backend $backend," "$SYS_DIR/$side.log" ||
            die "netproxy $side did not open its TUN device with backend $backend"
    done
    ver=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ { print $2; exit }')

    # A JVM reaches its steady state only after the JIT has compiled the packet path; a cold JVM would
    # spend the first seconds of the 1-stream run interpreting and compiling.  The flood is over before
    # anchors.sh starts counting CPU, so it shows up in no column.
    if ((warm > 0)); then
        ip netns exec "$NS_C" ping -q -n -f -s 1372 -w "$warm" "$TUN_S" >"$SYS_DIR/warmup.txt" 2>&1 || true
    fi
    SYS_NOTE+="java=${ver:-?} cipher=$cipher transport=$transport tun=$backend warmup=${warm}s "
}

# One system per (cipher, JDK): sut_start_netproxy_aes_jdk25 etc.
np_define_systems() {
    local entry feature c
    for entry in ${NETPROXY_BENCH_JAVAS:-}; do
        feature=${entry%%=*}
        [[ $feature =~ ^[0-9]+$ ]] || continue
        for c in aes chacha; do
            eval "sut_start_netproxy_${c}_jdk${feature}() { np_start $c $feature udp; }"
        done
        eval "sut_start_netproxy_tcp_aes_jdk${feature}() { np_start aes $feature tcp; }"
        for c in aes chacha; do
            eval "sut_start_netproxy_offload_${c}_jdk${feature}() { np_start $c $feature udp linux-offload; }"
        done
    done
}
np_define_systems
