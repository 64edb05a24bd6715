#!/usr/bin/env bash
# Runs the README's quick start the way a new user meets it (issue 10): on a pristine Debian 12 root made
# with mmdebstrap from the README's package list, entered with chroot, with a fresh clone of the committed
# `main`. It reports one line per step and, whatever happens (failure, Ctrl-C, SIGTERM), removes every
# process, network namespace and mount it left inside the root, then the root itself (unless --keep).
#
# The chroot is entered exactly as the issue describes (the root bind-mounted onto itself so that
# `ip netns exec` can make it a slave mount; /proc, /sys, /dev bound from the host; a fresh tmpfs on /run),
# in the host's mount namespace: a private mount namespace would hide exactly the propagation effects such
# a run can trip over. The host's own network namespace is not touched; the script checks that at the end.
#
# usage: scripts/pristine-root-check.sh [OPTIONS] [REPO]
#   REPO             git repository whose committed `main` is cloned (default: the one this script is in)
#   --keep           keep the root (its path is printed) instead of removing it; mounts are still removed
#   --cache DIR      reuse DIR/<key>.tar as the root if present, else build it and store it there; the
#                    default is a fully fresh mmdebstrap run
#   --dir DIR        where the work directory (root + logs) is created (default /var/tmp)
#   --mirror M       passed to mmdebstrap as a MIRROR (repeatable); default: the host's apt sources for the suite
#   --only STEP      run only `demo` or `verify` (default both)
#   --run CMD        run CMD (bash, in the clone, inside the chroot) instead of the README's commands
#   --verify-args A  words appended to `mvn -B verify`, e.g. '-Dit.test=EndToEndIT#keyModeAuthenticatesBothSides'
#   --timeout MIN    limit for each command inside the chroot (default 80)
#   --no-host-ca     do not copy the host's own CA certificates (/usr/local/share/ca-certificates) in
set -euo pipefail

SUITE=bookworm
# The README's package list plus git and ca-certificates, exactly as in issue 10.
PACKAGES=openjdk-17-jdk-headless,maven,iproute2,iptables,iputils-ping,procps,git,ca-certificates
CLONE=/root/netproxy   # where the clone lives inside the root

self_dir=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
repo=$(cd "$self_dir/.." && pwd)
keep=0 cache_dir="" base_dir=/var/tmp only="" run_cmd="" verify_args="" timeout_min=80 host_ca=1
mirrors=()

usage() { sed -n '12,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --cache) cache_dir=${2:?}; shift ;;
    --dir) base_dir=${2:?}; shift ;;
    --mirror) mirrors+=("${2:?}"); shift ;;
    --only) only=${2:?}; shift; [[ $only =~ ^(demo|verify)$ ]] || usage ;;
    --run) run_cmd=${2:?}; shift ;;
    --verify-args) verify_args=${2:?}; shift ;;
    --timeout) timeout_min=${2:?}; shift ;;
    --no-host-ca) host_ca=0 ;;
    -h|--help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) repo=$1 ;;
  esac
  shift
done

[ "$(id -u)" = 0 ] || { echo "run as root: mmdebstrap, chroot and the tests need it" >&2; exit 1; }
for tool in mmdebstrap git chroot findmnt timeout; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
git -C "$repo" rev-parse --verify -q main >/dev/null || { echo "$repo has no branch main" >&2; exit 1; }

work=$(mktemp -d "$base_dir/pristine-root-check.XXXXXX")
root="$work/root"
logs="$work/logs"
mkdir -p "$root" "$logs"
script_start=$SECONDS
results=()
failed=0

say() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
# One line per step, repeated in the summary at the end.
result() { results+=("$*"); printf 'RESULT %s\n' "$*"; }
elapsed() { local s=$(( SECONDS - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# ---- cleanup ------------------------------------------------------------------------------------------

# Processes whose root directory is the chroot (or inside it). Matched by device and inode as well as by
# path, because the path of a root seen from another mount namespace (ip netns exec makes one per command)
# need not read the same.
root_id=""
chroot_pids() {
  local p r id
  for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    id=$(stat -L -c '%d:%i' "$p/root" 2>/dev/null) || continue
    if [[ $r == "$root" || $r == "$root"/* || $id == "$root_id" ]]; then echo "${p#/proc/}"; fi
  done
}

# Mount points at or below the root, in the order they were mounted (octal escapes of mountinfo decoded).
root_mounts() {
  local target
  while read -r _ _ _ _ target _; do
    target=$(printf '%b' "$target")
    if [[ $target == "$root" || $target == "$root"/* ]]; then echo "$target"; fi
  done < /proc/self/mountinfo
}

describe_leftovers() {
  local pid ns
  for pid in $(chroot_pids); do
    printf '  process %s (ppid %s, netns %s): %s\n' "$pid" "$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null)" \
      "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
  done
  for ns in $(root_mounts | grep "^$root/run/netns/" || true); do printf '  network namespace %s\n' "${ns##*/}"; done
}

cleaned=0
cleanup() {
  local rc=$? pid mount tries
  [ "$cleaned" = 1 ] && return
  cleaned=1
  trap - INT TERM HUP
  set +e
  # Everything running in the root dies first: a process can hold a mount or a network namespace busy.
  for tries in $(seq 20); do
    pids=$(chroot_pids)
    [ -z "$pids" ] && break
    [ "$tries" = 1 ] && say "cleanup: killing processes left in the root: $(echo $pids)"
    for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
    sleep 0.5
  done
  [ -n "$(chroot_pids)" ] && say "cleanup: WARNING processes still alive in the root: $(echo $(chroot_pids))"
  # Network namespaces made in the host's mount namespace are nsfs bind mounts under ROOT/run/netns; those
  # made in a child mount namespace went away with its last process. Reverse mount order takes them first.
  for tries in 1 2 3; do
    mapfile -t mounts < <(root_mounts | tac)
    [ ${#mounts[@]} = 0 ] && break
    for mount in "${mounts[@]}"; do umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null; done
  done
  if [ -n "$(root_mounts)" ]; then
    say "cleanup: WARNING mounts left under $root, so it is NOT removed:"; root_mounts
  elif [ "$keep" = 1 ]; then
    say "cleanup: root kept at $root"
  else
    # --one-file-system as a second guard against ever deleting through a bind mount into the host.
    rm -rf --one-file-system "$root"
  fi
  say "logs in $logs; total $(elapsed "$script_start")"
  if [ ${#results[@]} -gt 0 ]; then printf '\nSummary:\n'; printf '  %s\n' "${results[@]}"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The host's own network namespace must be the same afterwards (DESIGN.md, "Network safety").
host_network() {
  local -
  set +o pipefail
  ip route show table all 2>&1
  ip -o link show 2>&1 | sed 's/link\/ether \S*//; s/^[0-9]*: //' | sort
  iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.forwarding 2>&1
  true
}
host_network > "$logs/host-network-before"

# ---- 1. the pristine root -----------------------------------------------------------------------------

# mmdebstrap runs apt with its own configuration, so the host's proxy (and, for snapshot mirrors, the
# validity check) must be handed over explicitly; http_proxy from the environment is honoured by apt anyway.
aptopts=()
while IFS= read -r line; do aptopts+=(--aptopt="$line"); done < <(
  apt-config dump 2>/dev/null | grep -Ei '^Acquire::(https?|ftp)::Proxy|^Acquire::Check-Valid-Until' || true)
# Without --mirror, the host's own sources for the suite: they are what this machine can reach (a local or
# snapshot mirror), and on a stock Debian host they are the same deb.debian.org lines mmdebstrap defaults to.
if [ ${#mirrors[@]} = 0 ]; then
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -Eq "^[^#]*\b$SUITE\b" "$f" && mirrors+=("$f")
  done
fi

step_start=$SECONDS
key=$(printf '%s\n' "$SUITE" "$PACKAGES" "${aptopts[@]}" "${mirrors[@]}" | cat - "${mirrors[@]}" 2>/dev/null | sha256sum | cut -c1-12)
if [ -n "$cache_dir" ] && [ -f "$cache_dir/$SUITE-$key.tar" ]; then
  say "root: unpacking the cached $cache_dir/$SUITE-$key.tar"
  tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -xpf "$cache_dir/$SUITE-$key.tar"
  result "root from cache $SUITE-$key.tar: ok ($(elapsed "$step_start"))"
else
  say "root: mmdebstrap --variant=apt --include=$PACKAGES $SUITE $root ${mirrors[*]} (log: $logs/mmdebstrap.log)"
  if ! mmdebstrap --variant=apt --include="$PACKAGES" "${aptopts[@]}" "$SUITE" "$root" "${mirrors[@]}" \
      > "$logs/mmdebstrap.log" 2>&1; then
    result "root (mmdebstrap): FAILED ($(elapsed "$step_start")); last lines:"; tail -n 20 "$logs/mmdebstrap.log"
    exit 1
  fi
  result "root (mmdebstrap, $(du -sh --one-file-system "$root" | cut -f1)): ok ($(elapsed "$step_start"))"
  if [ -n "$cache_dir" ]; then
    mkdir -p "$cache_dir"
    tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -cf "$cache_dir/.$SUITE-$key.tar.part" .
    mv "$cache_dir/.$SUITE-$key.tar.part" "$cache_dir/$SUITE-$key.tar"
    say "root: cached as $cache_dir/$SUITE-$key.tar"
  fi
fi

commit=$(git -C "$repo" rev-parse main)
git clone -q --no-hardlinks --branch main "$repo" "$root$CLONE"
say "clone: $repo main at ${commit:0:12} in $CLONE"

# ---- 2. entering it as the issue does -----------------------------------------------------------------

mount --bind "$root" "$root"
root_id=$(stat -c '%d:%i' "$root")
mount --bind /proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"

# A login shell with a clean environment, as a new user would have: nothing of this host's PATH, JAVA_HOME
# or Maven settings leaks in. Run in the background and waited for, so that Ctrl-C and SIGTERM are handled
# at once rather than after the command ends.
in_root() {
  local name=$1 command=$2 rc=0 start=$SECONDS
  say "$name: $command (log: $logs/$name.log)"
  (
    timeout --kill-after=30 "${timeout_min}m" \
      env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 ${http_proxy:+http_proxy=$http_proxy} \
        ${https_proxy:+https_proxy=$https_proxy} ${no_proxy:+no_proxy=$no_proxy} \
      chroot "$root" /bin/bash -lc "cd $CLONE && $command" < /dev/null 2>&1 |
      while IFS= read -r line; do printf '%(%T)T %s\n' -1 "$line"; done > "$logs/$name.log"
    exit "${PIPESTATUS[0]}"
  ) &
  wait $! || rc=$?
  step_rc=$rc step_time=$(elapsed "$start")
  [ "$rc" = 0 ] || failed=1
}

# What a step left running or mounted: the README promises that everything is removed.
leftovers() {
  local text
  text=$(describe_leftovers)
  if [ -n "$text" ]; then result "$1 left behind:"; printf '%s\n' "$text" | tee -a "$logs/leftovers.txt"; results+=("$text")
  else result "$1 left nothing behind (processes, namespaces)"; fi
}

# A machine behind a TLS-inspecting proxy trusts that proxy's CA through /usr/local/share/ca-certificates;
# without it Maven fails with "PKIX path building failed" before netproxy is even compiled. This is the one
# deliberate difference from a pristine root, like the apt proxy above: it only lets it reach the network.
host_cas=(/usr/local/share/ca-certificates/*.crt)
if [ "$host_ca" = 1 ] && [ -e "${host_cas[0]}" ]; then
  cp "${host_cas[@]}" "$root/usr/local/share/ca-certificates/"
  chroot "$root" /usr/sbin/update-ca-certificates > "$logs/update-ca-certificates.log" 2>&1
  result "host CAs copied in (not pristine, for TLS through this machine's proxy): ${host_cas[*]##*/}"
fi

if [ -n "$run_cmd" ]; then
  in_root run "$run_cmd"
  result "run '$run_cmd': exit $step_rc ($step_time)"
  leftovers "run"
  exit "$failed"
fi

if [ "$only" != verify ]; then
  in_root demo "scripts/demo.sh"
  warnings=$(grep -Eic 'warn|error|not found|missing' "$logs/demo.log" || true)
  if [ "$step_rc" = 0 ]; then result "scripts/demo.sh: PASS ($step_time; $warnings lines mention warn/error/missing)"
  else result "scripts/demo.sh: FAIL, exit $step_rc ($step_time); last lines:"; tail -n 15 "$logs/demo.log"; fi
  leftovers "scripts/demo.sh"
fi

if [ "$only" != demo ]; then
  in_root verify "CI=true mvn -B verify${verify_args:+ $verify_args}"
  verify_rc=$step_rc
  # Reports outlive the root; the summary lines name the failing tests.
  (cd "$root$CLONE" && find . -path '*/target/*-reports/*' \( -name '*.txt' -o -name '*.xml' \) -print0 |
    tar --null -T - -cf - 2>/dev/null) | tar -C "$logs" -xf - 2>/dev/null || true
  # Maven prints no timestamps, the log wrapper does: the first and last download bound the time spent
  # fetching from Maven Central (builds run in between, so it is an upper bound).
  downloads=$(grep -c 'Downloaded from' "$logs/verify.log" || true)
  first=$(grep -m1 'Downloading from' "$logs/verify.log" | cut -c1-8 || true)
  last=$(grep 'Downloaded from' "$logs/verify.log" | tail -n 1 | cut -c1-8 || true)
  m2=$(du -sh "$root/root/.m2/repository" 2>/dev/null | cut -f1 || true)
  tests=$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$logs/verify.log" |
    sed 's/^[0-9:]* //; s/\[[A-Z]*\] //' | paste -sd';' | cut -c1-400 || true)
  if [ "$verify_rc" = 0 ]; then result "CI=true mvn -B verify: PASS ($step_time)"
  else result "CI=true mvn -B verify: FAIL, exit $verify_rc ($step_time)"
    grep -E '^\S+ \[ERROR\] (Tests run|  [A-Za-z]|Failures|Errors)' "$logs/verify.log" | sed 's/^[0-9:]* //' | head -n 30
  fi
  result "maven: $downloads artifacts downloaded (${m2:-?} in ~/.m2), first at ${first:-none}, last at ${last:-none}"
  [ -n "$tests" ] && result "maven test totals: $tests"
  leftovers "mvn -B verify"
fi

host_network > "$logs/host-network-after"
if diff -u "$logs/host-network-before" "$logs/host-network-after" > "$logs/host-network.diff"; then
  result "host network namespace unchanged (routes, links, iptables, forwarding)"
else
  result "host network namespace CHANGED, see $logs/host-network.diff"
  failed=1
fi
exit "$failed"
