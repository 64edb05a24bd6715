# shellcheck shell=bash
# demo-network.sh - sourced by footprint.sh and handshakes.sh: the demo topology (scripts/netns-topology.sh) in
# namespaces of the script's own, and netproxy's default run and state directories of those namespaces. The caller
# sets REPO and PREFIX, calls demo_network_up before its first namespace and demo_network_down in its clean-up.

DEMO_DEFAULT_PARENTS=(/run/netproxy/netns /run/netproxy /var/lib/netproxy/netns /var/lib/netproxy)
# the parents that were there before, which clean-up leaves even when empty
DEMO_PARENTS_BEFORE=""

ns() { local n=$1; shift; ip netns exec "$PREFIX-$n" "$@"; }

demo_network_up() {
    local dir
    for dir in "${DEMO_DEFAULT_PARENTS[@]}"; do
        [[ -d $dir ]] && DEMO_PARENTS_BEFORE+=" $dir"
    done
    "$REPO/scripts/netns-topology.sh" up "$PREFIX" >/dev/null
}

# Ends whatever still runs in the namespaces by pid, deletes them and the instances' default directories in them.
demo_network_down() {
    local dir
    "$REPO/scripts/netns-topology.sh" down "$PREFIX" >/dev/null 2>&1
    rm -rf "/run/netproxy/netns/$PREFIX-"* "/var/lib/netproxy/netns/$PREFIX-"*
    for dir in "${DEMO_DEFAULT_PARENTS[@]}"; do
        [[ " $DEMO_PARENTS_BEFORE " == *" $dir "* ]] || rmdir "$dir" 2>/dev/null
    done
    return 0
}
