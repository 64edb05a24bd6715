#!/usr/bin/env bash
# Checks the Debian package (issue 8) in a throwaway Debian 12 root, never on this host: builds the root with mmdebstrap
# as scripts/pristine-root-check.sh does (the same suite, mirrors, apt proxy and chroot entry), copies the .deb in and
# runs scripts/package-check-in-root.sh there: dpkg -i with the dependencies from apt, the files, lintian,
# systemd-analyze verify, the units' ExecStart and ExecStopPost in a sandbox like the units' with a notification
# socket of its own (READY=1 only once the tunnels are up, STOPPING=1, cleanup after a crash), dpkg -r and dpkg -P
# leaving nothing. systemd is not PID 1 in the root (nor in CI), so no unit is started by systemctl. Whatever happens,
# every process, network namespace and mount left in the root is removed, then the root (unless --keep); the host's
# own network namespace is compared before and after.
#
# usage: scripts/package-check.sh [--keep] [--dir DIR] [--mirror M]... [--cache DIR] [DEB]
#   DEB          the package (default: distribution/target/netproxy_*_all.deb, which 'mvn package' makes)
#   --keep       keep the root (its path is printed)
#   --dir DIR    where the work directory is made (default /var/tmp)
#   --mirror M   a MIRROR for mmdebstrap (repeatable); default: the host's apt sources for the suite
#   --cache DIR  unpack DIR/<key>.tar as the root if present, else build it and store it there
#
# Exit status: 0 when every check passed, 1 when one failed (or a usage error), 3 when the root could not be built
# (mmdebstrap failed: the machine or its mirror, not the project).
set -euo pipefail

SUITE=bookworm
# lintian and systemd (systemd-analyze) for the checks, man-db for the units' Documentation=man:, iputils-ping for
# traffic through the tunnel; the package's own dependencies come from its Depends, with apt.
PACKAGES=lintian,systemd,man-db,iputils-ping
repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=scripts/debian-root.sh
source "$(dirname "$(readlink -f "$0")")/debian-root.sh"
keep=0 base_dir=/var/tmp cache_dir="" deb=""
mirrors=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --dir) base_dir=${2:?}; shift ;;
    --mirror) mirrors+=("${2:?}"); shift ;;
    --cache) cache_dir=${2:?}; shift ;;
    -h|--help) sed -n '11,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) deb=$1 ;;
  esac
  shift
done
if [ -z "$deb" ]; then
  debs=("$repo"/distribution/target/netproxy_*_all.deb)
  deb=${debs[0]}
fi
[ -f "$deb" ] || { echo "no package $deb: build it with 'mvn -B package' (or verify)" >&2; exit 1; }
deb=$(readlink -f "$deb")
[ "$(id -u)" = 0 ] || { echo "run as root: mmdebstrap, chroot and the checks need it" >&2; exit 1; }
for tool in mmdebstrap chroot timeout ip; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

work=$(mktemp -d "$base_dir/package-check.XXXXXX")
root=$work/root
mkdir -p "$root"
start=$SECONDS
say() { printf '[%(%T)T] %s\n' -1 "$*"; }

# ---- the root and its removal (release_root, in debian-root.sh) ------------------------------------------------
root_id=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  if ! release_root; then
    say "WARNING mounts left under $root, so it is NOT removed"; root_mounts
  elif [ "$keep" = 1 ]; then
    say "root kept at $root"
  else
    rm -rf --one-file-system "$work"
  fi
  say "package check: $( [ "$rc" = 0 ] && echo passed || echo "FAILED (exit $rc)") in $((SECONDS - start)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

host_network > "$work/host-network-before"

debian_sources "$SUITE"
key=$(root_cache_key "$SUITE" "$PACKAGES")
tarball="$cache_dir/package-check-$SUITE-$key.tar"
if [ -n "$cache_dir" ] && [ -f "$tarball" ]; then
  tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tarball"
  say "root: unpacked from $tarball"
else
  say "root: mmdebstrap --variant=apt --include=$PACKAGES $SUITE (log: $work/mmdebstrap.log)"
  if ! mmdebstrap --variant=apt --include="$PACKAGES" "${aptopts[@]}" "$SUITE" "$root" "${mirrors[@]}" \
      > "$work/mmdebstrap.log" 2>&1; then
    tail -n 20 "$work/mmdebstrap.log"
    say "root: mmdebstrap FAILED"
    exit 3
  fi
  if [ -n "$cache_dir" ]; then
    mkdir -p "$cache_dir"
    tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  fi
  say "root: built in $((SECONDS - start)) s"
fi

mount --bind "$root" "$root"
root_id=$(stat -c '%d:%i' "$root")
mount --bind /proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
cp "$deb" "$root/root/"
cp "$repo/scripts/package-check-in-root.sh" "$root/root/"
trust_host_cas "$root" "$work/update-ca-certificates.log" > /dev/null

say "checks: chroot $root bash /root/package-check-in-root.sh /root/$(basename "$deb")"
set +e
timeout --kill-after=30 15m env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive \
  ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} ${no_proxy:+no_proxy=$no_proxy} \
  chroot "$root" /bin/bash /root/package-check-in-root.sh "/root/$(basename "$deb")" < /dev/null 2>&1 |
  tee "$work/checks.log"
rc=${PIPESTATUS[0]}
set -e
cp -r "$root/run/package-check" "$work/units" 2>/dev/null || true   # the units' consoles and notifications

host_network > "$work/host-network-after"
if ! diff -u "$work/host-network-before" "$work/host-network-after"; then
  echo "RESULT FAIL: the host's network namespace changed"
  rc=1
fi
exit "$rc"
