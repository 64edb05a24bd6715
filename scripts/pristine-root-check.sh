#!/usr/bin/env bash
# Runs the README's quick start the way a new user meets it (issue 10): on a pristine Debian 12 root made
# with mmdebstrap from the README's package list, entered with chroot, with a fresh clone of the committed
# `main`. It reports one line per step and, whatever happens (failure, Ctrl-C, SIGTERM), removes every
# process, network namespace and mount left inside the root, then the root itself (unless --keep).
#
# The chroot is entered exactly as the issue describes (the root bind-mounted onto itself, so that
# `ip netns exec` can make it a slave mount; /proc, /sys, /dev bound from the host; a fresh tmpfs on /run),
# in the host's mount namespace: a private one would hide the propagation effects such a run can trip over.
# The host's own network namespace is never changed; the script compares it before and after.
#
# usage: scripts/pristine-root-check.sh [OPTIONS] [REPO]
#   REPO             git repository whose committed `main` is cloned (default: the one this script is in; a
#                    checkout without a branch `main`, as CI may make, gives its HEAD)
#   --keep           keep the root (its path is printed) instead of removing it; mounts are still removed
#   --cache DIR      unpack DIR/<key>.tar as the root if present, else build it and store it there; without
#                    this option every run is fully fresh
#   --dir DIR        where the work directory (root and logs) is made (default /var/tmp)
#   --mirror M       a MIRROR for mmdebstrap (repeatable); default: the host's apt sources for the suite
#   --only STEP      run only `demo` or `verify` (default both)
#   --run CMD        run CMD (bash, in the clone, inside the chroot) instead of the README's two commands
#   --verify-args A  words appended to `mvn -B verify`, e.g. '-Dit.test=EndToEndIT#keyModeAuthenticatesBothSides'
#   --timeout MIN    limit for each command run inside the chroot (default 80)
#   --no-host-ca     do not copy the host's own CA certificates (/usr/local/share/ca-certificates) in
#   --reuse ROOT     enter a root kept by an earlier --keep run (its clone, build and ~/.m2 as they are)
#                    instead of making one, for follow-up experiments with --run; implies --keep
#
# Exit status: 0 when both commands passed, 1 when one failed (or a usage or setup error), 3 when the root could
# not be built (mmdebstrap failed: the machine or its mirror, not the project).
set -euo pipefail

SUITE=bookworm
# The README's package list, plus git and ca-certificates to clone.
PACKAGES=openjdk-17-jdk-headless,maven,iproute2,iptables,iputils-ping,procps,traceroute,tcpdump,git,ca-certificates
CLONE=/root/netproxy   # the clone's path inside the root

repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=scripts/debian-root.sh
source "$(dirname "$(readlink -f "$0")")/debian-root.sh"
keep=0 cache_dir="" base_dir=/var/tmp only="" run_cmd="" verify_args="" timeout_min=80 host_ca=1 reuse=""
mirrors=()

usage() { sed -n '12,28p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
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
    --reuse) reuse=$(readlink -f "${2:?}"); keep=1; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) repo=$1 ;;
  esac
  shift
done

[ "$(id -u)" = 0 ] || { echo "run as root: mmdebstrap, chroot and the tests need it" >&2; exit 1; }
for tool in mmdebstrap git chroot timeout ip; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
if git -C "$repo" rev-parse --verify -q refs/heads/main >/dev/null; then ref=main; else ref=HEAD; fi
commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}") || { echo "$repo has no commit to check" >&2; exit 1; }
# Cleanup kills every process whose root is the root and unmounts below it: only ever a root this script made.
if [ -n "$reuse" ]; then
  [[ "$reuse" == */pristine-root-check.*/root ]] && [ "$(stat -c %d:%i "$reuse")" != "$(stat -c %d:%i /)" ] || {
    echo "--reuse takes a root that an earlier --keep run printed (DIR/pristine-root-check.XXXXXX/root)" >&2; exit 1; }
fi

work=$(mktemp -d "$base_dir/pristine-root-check.XXXXXX")
root=${reuse:-$work/root}
logs="$work/logs"
mkdir -p "$root" "$logs"
script_start=$SECONDS
results=()
failed=0

say() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
# One line per step, repeated in the summary at the end.
result() { results+=("$*"); printf 'RESULT %s\n' "$*"; }
elapsed() { local s=$((SECONDS - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# ---- what lives in the root, and its removal -----------------------------------------------------------

root_id="" # chroot_pids and root_mounts (debian-root.sh) look for it

describe_leftovers() {
  local pid ns
  for pid in $(chroot_pids); do
    # JVM options shortened to "..." so that the main class and its arguments stay readable.
    {
      printf '  process %s (ppid %s, %s): %s\n' "$pid" "$(awk '{print $4}' "/proc/$pid/stat")" \
        "$(readlink "/proc/$pid/ns/net")" \
        "$(tr '\0' ' ' < "/proc/$pid/cmdline" | sed -E 's/ -.* ([A-Za-z0-9_.]+\.Main )/ ... \1/' | cut -c1-250)"
    } 2>/dev/null || true   # it may have ended meanwhile
  done
  for ns in $(root_mounts | grep "^$root/run/netns/" || true); do printf '  network namespace %s\n' "${ns##*/}"; done
}

cleaned=0
cleanup() {
  local rc=$?
  [ "$cleaned" = 1 ] && return
  cleaned=1
  trap - INT TERM HUP
  set +e
  if ! release_root; then
    say "cleanup: WARNING mounts left under $root, so it is NOT removed:"; root_mounts
  elif [ "$keep" = 1 ]; then
    say "cleanup: root kept at $root"
  else
    # --one-file-system: a second guard against ever deleting through a bind mount into the host.
    rm -rf --one-file-system "$root"
  fi
  say "logs in $logs; total $(elapsed "$script_start")"
  if [ ${#results[@]} -gt 0 ]; then printf '\nSummary:\n'; printf '  %s\n' "${results[@]}"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

host_network > "$logs/host-network-before"

# ---- 1. the pristine root ------------------------------------------------------------------------------

debian_sources "$SUITE"

make_root() {
  local start=$SECONDS key tarball
  key=$(root_cache_key "$SUITE" "$PACKAGES")
  tarball="$cache_dir/$SUITE-$key.tar"
  if [ -n "$cache_dir" ] && [ -f "$tarball" ]; then
    say "root: unpacking the cached $tarball"
    tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tarball"
    result "root: unpacked from the cache $tarball ($(elapsed "$start"))"
    return
  fi
  say "root: mmdebstrap --variant=apt --include=$PACKAGES $SUITE $root ${mirrors[*]} (log: $logs/mmdebstrap.log)"
  if ! mmdebstrap --variant=apt --include="$PACKAGES" "${aptopts[@]}" "$SUITE" "$root" "${mirrors[@]}" \
      > "$logs/mmdebstrap.log" 2>&1; then
    result "root: mmdebstrap FAILED ($(elapsed "$start"))"; tail -n 20 "$logs/mmdebstrap.log"
    exit 3
  fi
  result "root: mmdebstrap ok, $(du -sh --one-file-system "$root" | cut -f1) ($(elapsed "$start"))"
  if [ -n "$cache_dir" ]; then
    mkdir -p "$cache_dir"
    tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    say "root: cached as $tarball"
  fi
}

if [ -n "$reuse" ]; then
  [ -x "$root/bin/bash" ] && [ -d "$root$CLONE/.git" ] || { echo "$root is not a root kept by --keep" >&2; exit 1; }
  [ -z "$(root_mounts)" ] || { echo "$root is in use (mounted)" >&2; exit 1; }
  result "root: reusing $root (clone at $(git -C "$root$CLONE" rev-parse --short HEAD), build and ~/.m2 as left)"
else
  make_root
  git clone -q --no-hardlinks --no-checkout "$repo" "$root$CLONE"
  # the commit itself, which a detached HEAD's clone would not have fetched
  git -C "$root$CLONE" fetch -q "$repo" "$commit"
  git -C "$root$CLONE" checkout -q -B main "$commit"
  result "clone: $repo $ref at $(git -C "$root$CLONE" rev-parse --short HEAD) in $CLONE"
fi

# ---- 2. entering it as the issue does ------------------------------------------------------------------

mount --bind "$root" "$root"
root_id=$(stat -c '%d:%i' "$root")
mount --bind /proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"

# A machine behind a TLS-inspecting proxy trusts the proxy's CA through /usr/local/share/ca-certificates;
# without it Maven fails with "PKIX path building failed" before anything is compiled. This is the one
# deliberate difference from a pristine root: like the apt proxy, it only lets the root reach the network.
if [ "$host_ca" = 1 ] && [ -z "$reuse" ]; then
  copied=$(trust_host_cas "$root" "$logs/update-ca-certificates.log")
  [ -z "$copied" ] || result "root: the host's CAs copied in for this machine's TLS proxy (not pristine): $copied"
fi

# A login shell with a clean environment, as a new user has: nothing of this host's PATH, JAVA_HOME or
# Maven settings leaks in. Started in the background and waited for, so that Ctrl-C and SIGTERM act at once
# instead of after the command. Every output line gets a time stamp (Maven prints none). The cd is a line
# of its own so that a trailing `&` in a --run command puts only that command in the background.
in_root() {
  local name=$1 command=$2 rc=0 start=$SECONDS
  say "$name: $command (log: $logs/$name.log)"
  (
    timeout --kill-after=30 "${timeout_min}m" \
      env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 \
        ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} ${no_proxy:+no_proxy=$no_proxy} \
      chroot "$root" /bin/bash -lc "cd $CLONE || exit 1"$'\n'"$command" < /dev/null 2>&1 |
      while IFS= read -r line; do printf '%(%T)T %s\n' -1 "$line"; done > "$logs/$name.log"
    exit "${PIPESTATUS[0]}"
  ) 2>/dev/null &   # only bash's "Killed" notices go there when cleanup ends the command; its output is logged
  wait $! || rc=$?
  step_rc=$rc step_time=$(elapsed "$start")
  [ "$rc" = 0 ] || failed=1
}

# The README promises that the demo and the tests remove everything they start.
leftovers() {
  local text
  text=$(describe_leftovers)
  if [ -n "$text" ]; then
    result "$1 left behind:"
    printf '%s\n' "$text" | tee -a "$logs/leftovers.txt"
    while IFS= read -r line; do results+=("$line"); done <<< "$text"
    failed=1
  else
    result "$1 left nothing behind (processes, network namespaces)"
  fi
}

if [ -n "$run_cmd" ]; then
  in_root run "$run_cmd"
  result "run '$run_cmd': exit $step_rc ($step_time)"
  leftovers "run"
  exit "$failed"
fi

if [ "$only" != verify ]; then
  in_root demo "scripts/demo.sh"
  if [ "$step_rc" = 0 ]; then result "scripts/demo.sh: PASS ($step_time)"
  else result "scripts/demo.sh: FAIL, exit $step_rc ($step_time)"; tail -n 15 "$logs/demo.log"; fi
  # A demo that passes can still have skipped a step for want of a tool.
  while IFS= read -r line; do result "scripts/demo.sh said: ${line#* }"; done < <(
    grep -Ei 'exec of .* failed|command not found|not found|No such file|missing|WARN' "$logs/demo.log" | head -n 5 || true)
  leftovers "scripts/demo.sh"
fi

if [ "$only" != demo ]; then
  in_root verify "CI=true mvn -B verify${verify_args:+ $verify_args}"
  # The test reports outlive the root.
  (cd "$root$CLONE" && find . -path '*/target/*-reports/*' \( -name '*.txt' -o -name '*.xml' \) -print0 |
    tar --null -T - -cf - 2>/dev/null) | tar -C "$logs" -xf - 2>/dev/null || true
  totals=$(grep -E '(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' \
    "$logs/verify.log" | sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/\1 \2 \3 \4/' |
    awk '{for (i = 1; i <= 4; i++) t[i] += $i}
      END {printf "%d tests, %d failures, %d errors, %d skipped", t[1], t[2], t[3], t[4]}' || true)
  if [ "$step_rc" = 0 ]; then result "CI=true mvn -B verify: PASS ($step_time; $totals)"
  else
    result "CI=true mvn -B verify: FAIL, exit $step_rc ($step_time; $totals)"
    while IFS= read -r line; do result "  ${line#*\[ERROR\]   }"; done < <(
      grep -E '\[ERROR\]   [A-Za-z0-9]+\.[A-Za-z0-9]+[:(]' "$logs/verify.log" | cut -c1-240 | head -n 12 || true)
  fi
  # demo.sh's quiet build has fetched most of ~/.m2 already; these are the rest (verify-only plugins).
  result "maven: $(grep -c 'Downloaded from' "$logs/verify.log" || true) artifacts downloaded during verify;" \
    "~/.m2 holds $(du -sh "$root/root/.m2/repository" 2>/dev/null | cut -f1)"
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
