#!/usr/bin/env bash
# Checks docker/Dockerfile and docker/compose.yaml (issue 8) against a real Docker daemon that never touches this
# host's network: dockerd runs inside a network namespace of its own (with its own data root, exec root, pid file and
# socket, and cgroup2 mounted in a mount namespace of its own, since 'ip netns exec' remounts /sys), and every network
# it makes is a documentation or benchmark range. No image registry is needed: the base image that the Dockerfile's
# FROM names (debian:bookworm-slim) is built here with mmdebstrap from the Debian packages the Dockerfile installs,
# and imported under that name. Then the image is built from the distribution zip, compose.yaml is brought up (with
# docker-compose, and with 'docker compose' too where it is installed), and the client's connection to the
# "internet" service must arrive from the server's address; no container's 'docker inspect' may hold the password.
# Whatever happens, the containers, the daemon (by its pid), its namespaces, mounts and files go, and the host's own
# network namespace is compared before and after.
#
# usage: scripts/docker-check.sh [--keep] [--dir DIR] [--mirror M]... [ZIP]
#   ZIP          the distribution (default: distribution/target/netproxy-*.zip, which 'mvn package' makes)
#   --keep       keep the work directory (its path is printed); the daemon and its namespace still go
#   --dir DIR    where the work directory is made (default /var/tmp)
#   --mirror M   a MIRROR for mmdebstrap (repeatable); default: the host's apt sources for the suite
#
# Exit status: 0 when every check passed, 1 when one failed (or a usage error), 3 when the base image could not be
# built (mmdebstrap failed: the machine or its mirror, not the project).
set -euo pipefail

SUITE=bookworm
# What docker/Dockerfile installs when its base lacks it: the same list, so that its RUN finds everything.
PACKAGES=openjdk-17-jre-headless,iproute2,iptables,nftables,procps,unzip,iputils-ping,netcat-openbsd
# The daemon's own bridge and the pool it draws networks from; compose.yaml names its subnets itself.
BRIDGE_IP=198.18.250.1/24
ADDRESS_POOL=base=198.18.128.0/17,size=24
SERVER_INTERNET_IP=203.0.113.10
CLIENT_IP=198.51.100.20
INTERNET_IP=203.0.113.80

repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=scripts/debian-root.sh
source "$(dirname "$(readlink -f "$0")")/debian-root.sh"
keep=0 base_dir=/var/tmp zip=""
mirrors=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --dir) base_dir=${2:?}; shift ;;
    --mirror) mirrors+=("${2:?}"); shift ;;
    -h|--help) sed -n '13,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) zip=$1 ;;
  esac
  shift
done
if [ -z "$zip" ]; then
  zips=("$repo"/distribution/target/netproxy-*.zip)
  zip=${zips[0]}
fi
[ -f "$zip" ] || { echo "no distribution $zip: build it with 'mvn -B package' (or verify)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root: mmdebstrap, dockerd and network namespaces need it" >&2; exit 1; }
for tool in mmdebstrap dockerd docker docker-compose ip unshare timeout; do
  command -v "$tool" >/dev/null || {
    echo "missing tool: $tool (apt-get install docker.io docker-compose mmdebstrap iproute2 util-linux)" >&2; exit 1; }
done

work=$(mktemp -d "$base_dir/docker-check.XXXXXX")
ns=npdock$$
ns=${ns:0:15}
project=npcheck$$
daemon_pid=""
start=$SECONDS
say() { printf '[%(%T)T] %s\n' -1 "$*"; }
elapsed() { echo "$((SECONDS - $1)) s"; }
export DOCKER_HOST=unix://$work/docker.sock

# wider than debian-root.sh's (nft, IPv6): a Docker daemon is what would touch those
host_network() {
  ip -br link; ip -br addr; ip route; ip -6 route 2>/dev/null || true
  iptables-save 2>/dev/null | grep -v '^#' || true
  nft list ruleset 2>/dev/null || true
  sysctl -n net.ipv4.ip_forward
}
host_network > "$work/host-network-before"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    if compgen -G "$work/compose-*.up" > /dev/null; then
      (cd "$work/context/docker" && timeout 60 docker-compose -p "$project" down -t 2 > /dev/null 2>&1)
    fi
    kill -TERM "$daemon_pid"
    for _ in $(seq 100); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null
  fi
  # containerd, shims and containers, all in the namespace: by pid, until none is left
  if [ -e "/run/netns/$ns" ]; then
    for _ in $(seq 50); do
      pids=$(ip netns pids "$ns" 2>/dev/null)
      [ -z "$pids" ] && break
      kill -KILL $pids 2>/dev/null
      sleep 0.1
    done
    ip netns del "$ns"
  fi
  # the daemon's mounts lived in its own mount namespace; anything under the work directory left here goes too
  grep -o " $work[^ ]*" /proc/mounts | sort -r | while read -r mount; do umount -l "$mount"; done
  host_network > "$work/host-network-after"
  if ! diff -u "$work/host-network-before" "$work/host-network-after" > "$work/host-network.diff"; then
    say "FAIL: the host's network namespace changed:"; cat "$work/host-network.diff"
    rc=1
  fi
  if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  say "docker-check: $([ "$rc" = 0 ] && echo PASS || echo "FAIL ($rc)") in $(elapsed "$start")"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { say "FAIL: $*"; exit 1; }
# Whether TEXT occurs in OUTPUT. Not 'command | grep -q': grep -q stops reading at the first match, the command then
# dies of SIGPIPE, and with pipefail the pipeline fails although the text was there.
contains() { [[ $1 == *"$2"* ]]; }

# ---- 1. the base image, from Debian packages -----------------------------------------------------------------
debian_sources "$SUITE"
phase=$SECONDS
say "base: mmdebstrap --variant=apt --include=$PACKAGES $SUITE (log: $work/mmdebstrap.log)"
if ! mmdebstrap --variant=apt --include="$PACKAGES" "${aptopts[@]}" "$SUITE" "$work/base.tar" "${mirrors[@]}" \
    > "$work/mmdebstrap.log" 2>&1; then
  say "base: mmdebstrap FAILED ($(elapsed "$phase"))"; tail -n 20 "$work/mmdebstrap.log"
  exit 3
fi
say "base: built, $(du -h "$work/base.tar" | cut -f1) ($(elapsed "$phase"))"

# ---- 2. the daemon, in a network namespace of its own --------------------------------------------------------
phase=$SECONDS
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" unshare --mount --propagation private sh -c \
  'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' dockerd \
  dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" \
  --host "$DOCKER_HOST" --bip "$BRIDGE_IP" --default-address-pool "$ADDRESS_POOL" --userland-proxy=false \
  > "$work/dockerd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 600); do
  docker info > /dev/null 2>&1 && break
  kill -0 "$daemon_pid" 2>/dev/null || { tail -n 20 "$work/dockerd.log"; fail "dockerd exited"; }
  sleep 0.1
done
docker info > /dev/null 2>&1 || { tail -n 20 "$work/dockerd.log"; fail "dockerd did not answer in 60 s"; }
say "daemon: $(docker version --format '{{.Server.Version}}') in network namespace $ns, pid $daemon_pid ($(elapsed "$phase"))"

# ---- 3. the images -------------------------------------------------------------------------------------------
phase=$SECONDS
from=$(awk '/^FROM / { print $2; exit }' "$repo/docker/Dockerfile")
docker import "$work/base.tar" "$from" > /dev/null
rm -f "$work/base.tar"
# the Dockerfile as a user builds it, from the repository's root, with the zip in its place
context=$work/context
mkdir -p "$context/distribution/target" "$context/docker"
cp "$zip" "$context/distribution/target/"
cp "$repo/docker/Dockerfile" "$context/docker/"
cp "$repo/.dockerignore" "$context/"
docker build -q -f "$context/docker/Dockerfile" -t netproxy:latest "$context" > "$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "docker build"; }
say "images: $from imported, netproxy:latest built ($(elapsed "$phase"))"

# ---- 4. compose.yaml, with each compose command there is -------------------------------------------------------
password=$(head -c 24 /dev/urandom | base64)
# compose.yaml in the copy of the repository's layout, beside a secrets/ of its own: the user's
# docker/secrets/password is never touched
compose_dir=$context/docker
mkdir -p "$compose_dir/secrets"
(umask 077 && printf '%s\n' "$password" > "$compose_dir/secrets/password")
cp "$repo/docker/compose.yaml" "$compose_dir/compose.yaml"

compose_commands=("docker-compose")
if docker compose version > /dev/null 2>&1; then
  compose_commands+=("docker compose")
elif [ "${CI:-}" != true ]; then
  say "compose: 'docker compose' (the plugin) is not installed here; checking docker-compose only"
fi
for compose in "${compose_commands[@]}"; do
  phase=$SECONDS
  run() { (cd "$compose_dir" && $compose -p "$project" "$@"); }
  touch "$work/compose-${compose// /-}.up" # cleanup's note that it may have to bring it down
  # --build as a user runs it: compose builds the image itself (from the cache of the build above)
  run up -d --build > "$work/up.log" 2>&1 || { cat "$work/up.log"; fail "$compose up"; }
  connected=false
  for _ in $(seq 120); do
    contains "$(run logs client 2>&1)" "connected tunnel 'client'" && { connected=true; break; }
    sleep 0.5
  done
  [ "$connected" = true ] || { run logs 2>&1 | tail -n 40; fail "$compose: the client did not connect in 60 s"; }
  say "$compose: up, client connected ($(elapsed "$phase"))"

  run exec -T client sh -c "echo through-the-tunnel | nc -q1 -w5 $INTERNET_IP 80" ||
    { run logs 2>&1 | tail -n 40; fail "$compose: the client could not reach the internet service"; }
  for _ in $(seq 50); do
    internet_log=$(run logs internet 2>&1)
    contains "$internet_log" "through-the-tunnel" && break
    sleep 0.1
  done
  received=$(grep -o "Connection received on [0-9.]*" <<< "$internet_log" | tail -n 1 || true)
  [ "$received" = "Connection received on $SERVER_INTERNET_IP" ] ||
    { echo "$internet_log"; fail "$compose: the internet service saw '$received', not the server's $SERVER_INTERNET_IP"; }
  contains "$internet_log" "$CLIENT_IP" && fail "$compose: the internet service saw the client's own address"
  contains "$(run exec -T client ip route)" "0.0.0.0/1 dev np0" || fail "$compose: the client has no tunnel route"
  say "$compose: the client's request reached the internet service from the server's address $SERVER_INTERNET_IP"

  for container in $(run ps -q); do
    contains "$(docker inspect "$container")" "$password" && fail "$compose: docker inspect $container shows the password"
  done
  say "$compose: no container's docker inspect holds the password"

  run down -t 5 > "$work/down.log" 2>&1 || { cat "$work/down.log"; fail "$compose down"; }
  rm -f "$work/compose-${compose// /-}.up"
  [ -z "$(docker ps -aq)" ] || fail "$compose down left containers: $(docker ps -a)"
  say "$compose: down, nothing left ($(elapsed "$phase"))"
done
