#!/usr/bin/env bash
# The checks of scripts/package-check.sh, run inside its throwaway Debian root (chroot) as root: never on a host.
# usage: package-check-in-root.sh DEB
#
# Installs the package with dpkg -i (its dependencies put in first with apt, so that what the package itself leaves is
# seen), checks its files, lintian and systemd-analyze verify, runs the units' ExecStart and ExecStopPost the way
# systemd would (in network namespaces of its own, in a sandbox of the unit's hardening as far as one can be built
# without systemd: read-only /, the unit's writable paths, private /tmp, no /root, only CAP_NET_ADMIN and CAP_NET_RAW,
# no new privileges; a datagram socket of its own as NOTIFY_SOCKET), then removes and purges the package and checks
# that nothing of it is left. systemd is not PID 1 there, so `systemctl start` itself is not run.
# Prints "RESULT ..." lines; exits 1 at the first failure.
set -euo pipefail
deb=${1:?usage: $0 DEB}
etc=/etc/netproxy
notify=/run/package-check
pids=()

say() { printf '%(%T)T == %s\n' -1 "$*"; }
result() { printf 'RESULT %s\n' "$*"; }
fail() { result "FAIL: $*"; exit 1; }
check() { local what=$1; shift; if "$@"; then result "ok: $what"; else fail "$what"; fi; }

cleanup() {
  local pid
  set +e
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  ip netns del pcs 2>/dev/null
  ip netns del pcc 2>/dev/null
}
trap cleanup EXIT

# Every file and directory of the root, but for what apt, dpkg, logs and caches change anyway.
snapshot() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/tmp \
    -o -path /var/cache -o -path /var/log -o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /root \) -prune \
    -o -print | sort
}

# ---- install --------------------------------------------------------------------------------------------------
apt-get update -qq > /root/apt-update.log 2>&1 || { cat /root/apt-update.log; fail "apt-get update"; }
say "dependencies: apt-get satisfy '$(dpkg-deb -f "$deb" Depends)'"
apt-get satisfy -y -qq --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" > /root/satisfy.log 2>&1 ||
  { tail -n 20 /root/satisfy.log; fail "apt-get satisfy of the package's Depends"; }
result "ok: its dependencies install with apt ($(dpkg-query -W -f='${Package} ' default-jre-headless iproute2 iptables 2>/dev/null))"
snapshot > /root/before.txt
say "dpkg -i $deb"
dpkg -i "$deb" > /root/dpkg-i.log 2>&1 || { cat /root/dpkg-i.log; fail "dpkg -i"; }
result "ok: dpkg -i $(basename "$deb")"

check "/opt/netproxy/etc is a link to /etc/netproxy" test "$(readlink /opt/netproxy/etc)" = "$etc"
check "/etc/netproxy and /var/lib/netproxy are root-only (0700)" \
  test "$(stat -c %a "$etc") $(stat -c %a /var/lib/netproxy)" = "700 700"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' netproxy | awk 'NF {print $1}' | sort)
check "every file of /etc/netproxy is a conffile ($(echo $conffiles))" \
  test "$conffiles" = "$(find "$etc" -type f | sort)"
check "netproxy is on the PATH" test "$(command -v netproxy)" = /usr/bin/netproxy
check "netproxy --help runs (it picks the JRE the package depends on)" bash -c 'netproxy --help | grep -q "run \[NAME\]"'
check "man netproxy" bash -c 'man -w netproxy >/dev/null'
# As an admin enables them (offline here: systemd is not running); dpkg -P must remove the links again.
systemctl enable netproxy.service netproxy@office.service > /root/enable.log 2>&1 || { cat /root/enable.log; fail "systemctl enable"; }
check "systemctl enable (offline) links the units into multi-user.target.wants" \
  test -L /etc/systemd/system/multi-user.target.wants/netproxy@office.service

say "lintian"
# The verdict without --show-overrides, which would count the overridden tags too; then the overridden ones, for the log.
lintian_rc=0
lintian --fail-on error,warning --info --allow-root "$deb" > /root/lintian.log 2>&1 || lintian_rc=$?
sed 's/^/  lintian: /' /root/lintian.log
[ "$lintian_rc" = 0 ] || fail "lintian has errors or warnings that are not overridden (exit $lintian_rc)"
lintian --show-overrides --allow-root "$deb" 2>&1 | grep '^O: ' | sed 's/\[.*\]$//' | sort | uniq -c | sed 's/^/  lintian overridden: /' || true
result "ok: lintian: no error or warning but those overridden, each with its reason (distribution/src/deb/lintian/netproxy)"

say "systemd-analyze verify"
units=(/lib/systemd/system/netproxy.service /lib/systemd/system/netproxy@.service)
verify_rc=0
systemd-analyze verify "${units[@]}" netproxy@office.service > /root/verify.log 2>&1 || verify_rc=$?
sed 's/^/  systemd-analyze: /' /root/verify.log
[ "$verify_rc" = 0 ] && [ ! -s /root/verify.log ] || fail "systemd-analyze verify of the units"
result "ok: systemd-analyze verify netproxy.service netproxy@.service netproxy@office.service: no complaint"

# ---- the units' commands as systemd runs them ----------------------------------------------------------------
# ExecStart/ExecStopPost of an installed unit, with %i as the instance NAME.
unit_command() { sed -n "s/^$2=//p" "/lib/systemd/system/$1" | sed "s/%i/${3:-}/g"; }

# The unit's sandbox, as far as it can be built without systemd, then COMMAND in network namespace NS, with NOTIFY
# (if not empty) as NOTIFY_SOCKET. It replaces the shell it runs in (call it in a subshell or with &), and keeps that
# pid through every exec, as a unit's main process keeps the one systemd started.
in_unit() {
  local ns=$1 socket=$2
  shift 2
  exec ip netns exec "$ns" unshare --mount --propagation slave \
    env ${socket:+NOTIFY_SOCKET=$socket} bash -c '
      set -e
      # RuntimeDirectory=, StateDirectory=, CacheDirectory=netproxy (mode 0700), ReadWritePaths=-/run/xtables.lock -/run/resolvconf
      mkdir -p -m 0700 /run/netproxy /var/lib/netproxy /var/cache/netproxy
      for path in /run/netproxy /var/lib/netproxy /var/cache/netproxy /run/xtables.lock /run/resolvconf; do
        if [ -e "$path" ]; then mount --bind "$path" "$path"; fi
      done
      # ProtectSystem=strict: everything read-only but /dev, /proc, /sys and the paths above
      mount -o remount,bind,ro /
      mount -o remount,bind,ro /run
      # PrivateTmp=yes, ProtectHome=yes
      mount -t tmpfs -o mode=1777 tmpfs /tmp
      mount -t tmpfs -o mode=1777 tmpfs /var/tmp
      mount -t tmpfs -o mode=0 tmpfs /root
      mount -t tmpfs -o mode=0 tmpfs /home
      # CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW, NoNewPrivileges=yes
      exec setpriv --bounding-set=-all,+net_admin,+net_raw --inh-caps=-all --no-new-privs -- $0 "$@"
    ' "$@"
}

# A service manager's notification socket: every datagram is a line of FILE.notify ("READY=1 | STATUS=...").
notify_socket() {
  perl -MIO::Socket::UNIX -MSocket -e '
    my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "$ARGV[0]: $!\n";
    $| = 1;
    while (defined $s->recv(my $m, 4096)) { $m =~ s/\n+$//; $m =~ s/\n/ | /g; print "$m\n"; }
  ' "$1" > "$1.notify" 2>&1 &
  pids+=($!)
  disown $!   # ended by pid at the end, without a word from the shell
  for _ in $(seq 50); do [ -S "$1" ] && return; sleep 0.1; done
  fail "the notification socket $1 did not open"
}

# Waits up to SECONDS for a line matching PATTERN in FILE.
await_line() {
  local file=$1 pattern=$2 seconds=$3
  for _ in $(seq $((seconds * 10))); do grep -q -- "$pattern" "$file" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# Starts a unit's ExecStart in NS with its own notification socket; sets $main to its main pid.
start_unit() {
  local unit=$1 ns=$2 name=${3:-} socket
  socket="$notify/${unit%%.*}${name:+-$name}.sock"
  notify_socket "$socket"
  # shellcheck disable=SC2046 # the command's words
  in_unit "$ns" "$socket" $(unit_command "$unit" ExecStart "$name") > "$socket.log" 2>&1 &
  main=$!
  pids+=("$main")
  say "$unit ExecStart ($(unit_command "$unit" ExecStart "$name")) in $ns: pid $main, NOTIFY_SOCKET=$socket"
}

# Stops a unit's main process with SIGTERM (or SIGKILL for a crash) and runs its ExecStopPost; both must exit 0.
stop_unit() {
  local unit=$1 ns=$2 pid=$3 signal=$4 log=$5 rc=0
  kill -s "$signal" "$pid"
  wait "$pid" || rc=$?
  if [ "$signal" = TERM ]; then
    [ "$rc" = 0 ] || { cat "$log"; fail "$unit: exit $rc on SIGTERM"; }
    result "ok: $unit exits 0 on SIGTERM"
  fi
  # shellcheck disable=SC2046
  (in_unit "$ns" "" $(unit_command "$unit" ExecStopPost)) > "$log.cleanup" 2>&1 ||
    { cat "$log.cleanup"; fail "$unit: ExecStopPost ($(unit_command "$unit" ExecStopPost)) failed"; }
  result "ok: $unit ExecStopPost after SIG$signal exits 0: $(grep -v ' INFO ' "$log.cleanup" | tr '\n' ' ' | cut -c1-300)"
}

np() { ip netns exec "$1" netproxy "${@:2}"; }

mkdir -p "$notify"
ip netns add pcs
ip netns add pcc
ip -n pcs link add pcs0 type veth peer name pcc0 netns pcc
ip -n pcs addr add 198.51.100.1/24 dev pcs0
ip -n pcc addr add 198.51.100.2/24 dev pcc0
for ns in pcs pcc; do ip -n "$ns" link set lo up; ip -n "$ns" link set "${ns}0" up; done
install -m 600 /dev/null "$etc/office.password"
echo 'package check password' > "$etc/office.password"
cat > "$etc/io.netproxy.tunnel-office.cfg" <<EOF
role = server
pool = 198.18.0.0/24
egress = pcs0
passwordFile = $etc/office.password
EOF

# netproxy.service: every tunnel of /etc/netproxy (here the server), ready once it listens.
start_unit netproxy.service pcs
await_line "$notify/netproxy.sock.notify" 'READY=1' 60 || { cat "$notify/netproxy.sock.log"; fail "netproxy.service: no READY=1"; }
np pcs status > /root/status.log 2>&1 || { cat /root/status.log; fail "netproxy status after READY=1"; }
result "ok: netproxy.service: READY=1 ($(grep -m1 READY=1 "$notify/netproxy.sock.notify")), then 'netproxy status' (root's shell, all capabilities) exits 0"
stop_unit netproxy.service pcs "$main" TERM "$notify/netproxy.sock.log"
check "netproxy.service: STOPPING=1 on SIGTERM" grep -q 'STOPPING=1' "$notify/netproxy.sock.notify"

# netproxy@NAME.service: a client that starts before its server is ready only once it is connected.
cat > "$etc/io.netproxy.tunnel-home.cfg" <<EOF
role = client
host = 198.51.100.1
routes = 203.0.113.0/24
noDns = true
passwordFile = $etc/office.password
EOF
start_unit netproxy@.service pcc home
client=$main
await_line "$notify/netproxy@-home.sock.log" 'running the tunnels of' 60 || { cat "$notify/netproxy@-home.sock.log"; fail "netproxy@home did not start"; }
sleep 2
if grep -q 'READY=1' "$notify/netproxy@-home.sock.notify"; then fail "netproxy@home: READY=1 before its server runs"; fi
if np pcc status > /dev/null 2>&1; then fail "netproxy@home: status exits 0 before its server runs"; fi
result "ok: netproxy@home: no READY=1 while its server is down ($(tail -n1 "$notify/netproxy@-home.sock.notify"))"
start_unit netproxy@.service pcs office
server=$main
await_line "$notify/netproxy@-office.sock.notify" 'READY=1' 60 || { cat "$notify/netproxy@-office.sock.log"; fail "netproxy@office: no READY=1"; }
await_line "$notify/netproxy@-home.sock.notify" 'READY=1' 60 || { cat "$notify/netproxy@-home.sock.log"; fail "netproxy@home: no READY=1"; }
np pcc status > /root/status.log 2>&1 || { cat /root/status.log; fail "netproxy@home: status after READY=1"; }
result "ok: netproxy@home: READY=1 once connected ($(grep -m1 READY=1 "$notify/netproxy@-home.sock.notify")), status exits 0"
check "ping through the tunnel" ip netns exec pcc ping -q -c 3 -i 0.2 -W 2 198.18.0.1
stop_unit netproxy@.service pcc "$client" TERM "$notify/netproxy@-home.sock.log"
check "netproxy@home: STOPPING=1 on SIGTERM" grep -q 'STOPPING=1' "$notify/netproxy@-home.sock.notify"

# A crash: the server's rules and forwarding stay until ExecStopPost's cleanup reverts them.
check "the server's rules are in place" bash -c 'ip netns exec pcs iptables-save | grep -q NETPROXY'
stop_unit netproxy@.service pcs "$server" KILL "$notify/netproxy@-office.sock.log"
check "after a crash, ExecStopPost left no rule of netproxy" bash -c '! ip netns exec pcs iptables-save | grep -q NETPROXY'
check "after a crash, ExecStopPost put forwarding back (0)" test "$(ip netns exec pcs sysctl -n net.ipv4.ip_forward)" = 0
ip netns del pcs
ip netns del pcc

# ---- remove and purge -----------------------------------------------------------------------------------------
rm -f "$etc/office.password" "$etc/io.netproxy.tunnel-office.cfg" "$etc/io.netproxy.tunnel-home.cfg"
# What the maintainer scripts ask of systemd where it runs, with stand-ins for systemctl and deb-systemd-invoke that
# write down their arguments (netproxy@home.service passing for a running instance): an upgrade (the same package
# again) restarts the running units, a removal stops them before their files go.
mkdir -p /run/systemd/system /root/stand-ins
for tool in systemctl deb-systemd-invoke; do
  printf '#!/bin/sh\necho "%s $*" >> /root/stand-ins/calls\n' "$tool" > "/root/stand-ins/$tool"
  chmod 755 "/root/stand-ins/$tool"
done
printf 'case "$*" in *list-units*) echo "netproxy@home.service loaded active running netproxy VPN: tunnel home";; esac\n' \
  >> /root/stand-ins/systemctl
PATH=/root/stand-ins:$PATH dpkg -i "$deb" > /root/dpkg-upgrade.log 2>&1 || { cat /root/dpkg-upgrade.log; fail "dpkg -i again"; }
check "an upgrade reloads systemd and restarts the running units" grep -qz \
  'systemctl --system daemon-reload.*deb-systemd-invoke try-restart netproxy.service.*deb-systemd-invoke try-restart netproxy@home.service' \
  /root/stand-ins/calls
: > /root/stand-ins/calls
PATH=/root/stand-ins:$PATH dpkg -r netproxy > /root/dpkg-r.log 2>&1 || { cat /root/dpkg-r.log; fail "dpkg -r"; }
check "dpkg -r stops the units first (prerm), then reloads systemd (postrm)" grep -qz \
  'deb-systemd-invoke stop netproxy.service.*deb-systemd-invoke stop netproxy@home.service.*systemctl --system daemon-reload' \
  /root/stand-ins/calls
rm -rf /run/systemd/system /root/stand-ins
check "dpkg -r: /opt/netproxy, the command and the units are gone" \
  bash -c '! [ -e /opt/netproxy ] && ! [ -e /usr/bin/netproxy ] && ! ls /lib/systemd/system/netproxy* 2>/dev/null'
check "dpkg -r: the conffiles stay" test -f "$etc/logging.properties"
dpkg -P netproxy > /root/dpkg-p.log 2>&1 || { cat /root/dpkg-p.log; fail "dpkg -P"; }
snapshot > /root/after.txt
if ! diff -u /root/before.txt /root/after.txt > /root/left.diff; then
  cat /root/left.diff; fail "dpkg -P left files behind or removed others"
fi
# (man-db's cache of formatted pages, which systemd-analyze's look at Documentation=man:netproxy(1) filled, is its own)
left=$(find / -xdev \( -path /proc -o -path /var/cache/man \) -prune -o -name '*netproxy*' -print |
  grep -v -e "^$notify" -e "^$deb\$" || true)
[ -z "$left" ] || { echo "$left"; fail "files named netproxy are left after dpkg -P"; }
result "ok: dpkg -r and dpkg -P: the root is as before dpkg -i, no file named netproxy is left"
