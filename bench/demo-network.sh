# shellcheck shell=bash
# demo-network.sh - sourced by footprint.sh, handshakes.sh, rtt-hops.sh and clients.sh (which builds a network of its
# own and uses the other helpers): the demo topology (scripts/netns-topology.sh) in namespaces of the script's own,
# netproxy's default run and state directories of those namespaces, and finding the instance a namespace runs. The
# caller sets REPO and PREFIX, calls demo_network_up before its first namespace and demo_network_down in its clean-up.

DEMO_DEFAULT_PARENTS=(/run/netproxy/netns /run/netproxy /var/lib/netproxy/netns /var/lib/netproxy)
# the parents that were there before, which clean-up leaves even when empty
DEMO_PARENTS_BEFORE=""

ns() { local n=$1; shift; ip netns exec "$PREFIX-$n" "$@"; }

demo_network_up() {
    remember_default_dirs
    "$REPO/scripts/netns-topology.sh" up "$PREFIX" >/dev/null
}

remember_default_dirs() {
    local dir
    for dir in "${DEMO_DEFAULT_PARENTS[@]}"; do
        [[ -d $dir ]] && DEMO_PARENTS_BEFORE+=" $dir"
    done
    return 0
}

# Ends whatever still runs in the namespaces by pid, deletes them and the instances' default directories in them.
demo_network_down() {
    "$REPO/scripts/netns-topology.sh" down "$PREFIX" >/dev/null 2>&1
    remove_default_dirs
}

# The default run and state directories of the namespaces named PREFIX-*, and their parents unless they were there.
remove_default_dirs() {
    local dir
    rm -rf "/run/netproxy/netns/$PREFIX-"* "/var/lib/netproxy/netns/$PREFIX-"*
    for dir in "${DEMO_DEFAULT_PARENTS[@]}"; do
        [[ " $DEMO_PARENTS_BEFORE " == *" $dir "* ]] || rmdir "$dir" 2>/dev/null
    done
    return 0
}

# DIST, unless given: the distribution the build left under distribution/target (the caller defines die).
require_dist() {
    [[ -n $DIST ]] && return 0
    DIST=$(ls -d "$REPO"/distribution/target/netproxy-*/netproxy-* 2>/dev/null | head -1)
    [[ -n $DIST ]] || die "no distribution under distribution/target: build one with 'mvn -q package', or pass --dist"
}

# The JVM of the instance in namespace PREFIX-NAME: the one netproxy process there.
instance_pid() { # name
    local pid
    for pid in $(ip netns pids "$PREFIX-$1"); do
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "io.netproxy.launcher.Main" && { echo "$pid"; return 0; }
    done
    return 1
}

# Returns once namespace PREFIX-NAME runs no instance (up to 30 s; an instance exits after its last tunnel).
await_instance_gone() { # name
    local i
    for ((i = 0; i < 300; i++)); do
        instance_pid "$1" >/dev/null || return 0
        sleep 0.1
    done
    die "the instance in $PREFIX-$1 is still running 30 s after its last tunnel stopped"
}

# The server instance of namespace PREFIX-NAME, once LOG says it serves (up to 30 s); dies naming the log's end if not.
await_server() { # name log
    local i
    for ((i = 0; i < 300; i++)); do
        grep -q "serving" "$2" && break
        sleep 0.1
    done
    instance_pid "$1" || die "the server did not start: $(tail -5 "$2")"
}
