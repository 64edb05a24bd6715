# shellcheck shell=bash
# debian-root.sh - sourced by pristine-root-check.sh, package-check.sh and docker-check.sh, which each build a
# throwaway Debian root with mmdebstrap and must leave the host's own namespace as it was.

# DESIGN.md, "Network safety": the host's own namespace must read the same afterwards; compare two of these.
host_network() {
  local -
  set +o pipefail
  ip route show table all 2>&1
  ip -o link show 2>&1 | sed 's/link\/ether \S*//; s/^[0-9]*: //' | sort
  iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.forwarding 2>&1
  true
}

# Sets aptopts and, unless the caller filled it (--mirror), mirrors, for `mmdebstrap "${aptopts[@]}" SUITE TARGET
# "${mirrors[@]}"`. mmdebstrap runs apt with a configuration of its own, so the host's apt proxy (and, for snapshot
# mirrors, the validity check) is handed over; http_proxy in the environment reaches apt anyway. Without --mirror,
# the host's own sources for the suite: what this machine can reach (a local or snapshot mirror); on a stock Debian
# host they are the deb.debian.org lines mmdebstrap would use by default.
debian_sources() { # suite
  aptopts=()
  local line f
  while IFS= read -r line; do aptopts+=(--aptopt="$line"); done < <(
    apt-config dump 2>/dev/null | grep -Ei '^Acquire::(https?|ftp)::Proxy|^Acquire::Check-Valid-Until' || true)
  if [ ${#mirrors[@]} = 0 ]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
      if [ -f "$f" ] && grep -Eq "^[^#]*\b$1\b" "$f"; then mirrors+=("$f"); fi
    done
  fi
  return 0
}

# A cache key for a root of SUITE with PACKAGES from debian_sources' aptopts and mirrors: it covers everything that
# shapes the root, including the contents of mirror files.
root_cache_key() { # suite packages
  local m
  { printf '%s\n' "$1" "$2" "${aptopts[@]}" "${mirrors[@]}"
    for m in "${mirrors[@]}"; do [ -f "$m" ] && cat "$m"; done; true; } | sha256sum | cut -c1-12
}

# A machine behind a TLS-inspecting proxy trusts the proxy's CA through /usr/local/share/ca-certificates: copies them
# into ROOT so that its apt and Maven can fetch through it. Prints the names it copied (none: nothing).
trust_host_cas() { # root log
  local cas=(/usr/local/share/ca-certificates/*.crt)
  [ -e "${cas[0]}" ] || return 0
  cp "${cas[@]}" "$1/usr/local/share/ca-certificates/"
  chroot "$1" /usr/sbin/update-ca-certificates > "$2" 2>&1 || true
  echo "${cas[*]##*/}"
}

# Processes whose root directory is the chroot $root (whose device:inode is $root_id once it is bind-mounted). Matched
# by device and inode as well as by path: the path of a root seen across mount namespaces (ip netns exec makes one per
# command) need not read the same.
chroot_pids() {
  local p r id
  for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    id=$(stat -L -c '%d:%i' "$p/root" 2>/dev/null) || continue
    if [[ $r == "$root" || $r == "$root"/* || $id == "$root_id" ]]; then echo "${p#/proc/}"; fi
  done
}

# Mount points at or below $root, in mount order (mountinfo escapes spaces and such as octal).
root_mounts() {
  local target
  while read -r _ _ _ _ target _; do
    target=$(printf '%b' "$target")
    if [[ $target == "$root" || $target == "$root"/* ]]; then echo "$target"; fi
  done < /proc/self/mountinfo
}

# Kills what runs in $root (by pid) and unmounts what is mounted below it, deepest first: network namespaces named in
# the host's mount namespace are nsfs bind mounts under ROOT/run/netns, then come the tmpfs, /dev, /sys, /proc and the
# root's own bind mount. True when nothing is mounted there any more, so that the root may be removed. Needs say.
release_root() {
  local tries pids pid mounts mount
  # processes first: they hold mounts and network namespaces busy
  for tries in $(seq 20); do
    pids=$(chroot_pids)
    [ -z "$pids" ] && break
    [ "$tries" = 1 ] && say "cleanup: killing processes left in the root: $(echo $pids)"
    for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
    sleep 0.5
  done
  [ -n "$(chroot_pids)" ] && say "cleanup: WARNING processes still alive in the root: $(echo $(chroot_pids))"
  for tries in 1 2 3; do
    mapfile -t mounts < <(root_mounts | tac)
    [ ${#mounts[@]} = 0 ] && break
    for mount in "${mounts[@]}"; do umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null; done
  done
  [ -z "$(root_mounts)" ]
}
