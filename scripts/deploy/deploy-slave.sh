#!/bin/bash
# Installs a piwheels build slave on Raspberry Pi OS Bookworm or Trixie — 64-bit (arm64) or 32-bit
# (armhf) — or on Debian 12/13, as 0.18's deploy_slave.sh did; ours. Run it as root on the slave, with the
# bundle made by scripts/deploy/bundle.sh on the master (or any machine with the repository):
#
#   deploy-slave.sh [--master HOST] [--label LABEL] [--packages "PKG ..."] [--no-start] piwheels-VERSION.tar.gz
#
#   --master HOST     writes /etc/piwheels.conf's [slave] section (master = HOST; the old file is kept as .bak)
#   --label LABEL     ... and label = LABEL (default: the host name)
#   --packages "..."  more Debian packages for the builds to use (0.18 installed ~100 -dev libraries here)
#   --no-start        installs and enables the unit without starting it
#
# What it does, in order (running it again upgrades in place):
#   1. Debian packages: Node 20 or later (Trixie's own; on Bookworm install NodeSource's first, see the
#      README), npm, the build tools and headers (build-essential, pkg-config, python3-dev, Node's headers),
#      libsystemd-dev (sd_notify) and libzmq3-dev (ZeroMQ for 32-bit, where zeromq's npm package has no
#      prebuilt binary), python3 with pip, setuptools and wheel.
#   2. The user piwheels (home /home/piwheels, password locked), unprivileged: it runs the builds.
#   3. The code in /opt/piwheels, owned by root (the slave cannot change it): the bundle unpacked, its
#      dependencies installed exactly as locked (npm ci --omit=dev), sd-notify built against libsystemd,
#      zeromq built against Debian's libzmq where no prebuilt binary loads (build-zeromq.sh); the piw-*
#      commands linked into /usr/local/bin.
#   4. /etc/piwheels.conf with --master, and the systemd unit (Type=notify, WatchdogSec=2min, PrivateTmp,
#      read-only system): enabled, and (re)started when systemd runs here.
set -euo pipefail

die() { echo "deploy-slave: $*" >&2; exit 1; }
step() { echo "deploy-slave: $*"; }

master="" label="" extra="" start=yes bundle=""
while [ $# -gt 0 ]; do
  case "$1" in
    --master) master=${2:?--master needs a host}; shift 2 ;;
    --label) label=${2:?--label needs a label}; shift 2 ;;
    --packages) extra=${2:?--packages needs a list}; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$bundle" ] || die "one bundle only"; bundle=$1; shift ;;
  esac
done
[ -n "$bundle" ] || die "no bundle given (make one with scripts/deploy/bundle.sh; see --help)"
[ -f "$bundle" ] || die "$bundle: no such file"
[ "$(id -u)" = 0 ] || die "run as root"
[[ "$master" =~ ^[A-Za-z0-9.:_-]*$ ]] || die "--master: not a host name or address: $master"
[[ "$label" =~ ^[A-Za-z0-9._-]*$ ]] || die "--label: letters, digits, '.', '_' and '-' only: $label"

. /etc/os-release
arch=$(dpkg --print-architecture)
case "${VERSION_CODENAME:-}" in
  bookworm|trixie) ;;
  *) echo "deploy-slave: warning: made for Raspberry Pi OS / Debian Bookworm and Trixie, not ${PRETTY_NAME:-this system}" >&2 ;;
esac
step "installing on ${PRETTY_NAME:-?} ($arch)"

export DEBIAN_FRONTEND=noninteractive
step "1/4 Debian packages"
apt-get update -q
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# NodeSource's nodejs carries npm and Node's headers; Debian's comes in three packages.
node_packages_for() { case "$1" in *nodesource*) echo "nodejs" ;; *) echo "nodejs npm libnode-dev" ;; esac; }
installed=$(dpkg-query -W -f='${Version}' nodejs 2>/dev/null || true)
if [ "$(node_major)" -ge 20 ]; then
  # A Node of apt's: make sure npm and the headers are there too; one in /usr/local is the owner's business.
  node_packages=$([ -z "$installed" ] || node_packages_for "$installed")
else
  candidate=$(apt-cache policy nodejs | awk '/Candidate:/ { print $2 }')
  major=${candidate#*:}; major=${major%%.*}
  [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge 20 ] ||
    die "Node 20 or later is needed and ${PRETTY_NAME:-this system} offers nodejs ${candidate:-none}: add NodeSource's node_20.x repository first (see the README, \"Build slaves on Raspberry Pi OS\"), then run this again"
  node_packages=$(node_packages_for "$candidate")
fi
# shellcheck disable=SC2086 # word splitting wanted
apt-get install -y -q --no-install-recommends $node_packages ca-certificates build-essential pkg-config \
  python3 python3-dev python3-pip python3-setuptools python3-wheel libsystemd-dev libzmq3-dev passwd $extra
[ "$(node_major)" -ge 20 ] || die "node $(node --version 2>/dev/null || echo missing) is still older than 20"
step "node $(node --version), npm $(npm --version), $(python3 --version)"

step "2/4 the user piwheels"
getent group piwheels >/dev/null || groupadd piwheels
getent passwd piwheels >/dev/null || useradd --gid piwheels --create-home --home-dir /home/piwheels --shell /bin/bash piwheels
passwd --lock piwheels >/dev/null

step "3/4 the code in /opt/piwheels (root's; the slave cannot write it)"
stage=$(mktemp -d /opt/piwheels.new.XXXXXX)
trap 'rm -rf "$stage"' EXIT
tar --extract --gzip --file "$bundle" --directory "$stage" --strip-components=1 --no-same-owner
chmod 0755 "$stage"
# Exactly the locked dependencies; their build scripts only where the slave needs them, below.
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)
(cd "$stage" && npm rebuild sd-notify)
"$stage/scripts/deploy/build-zeromq.sh" "$stage"
chmod 0755 "$stage"/dist/cli/piw-*.js
chown -R root:root "$stage"
rm -rf /opt/piwheels.old
[ ! -e /opt/piwheels ] || mv /opt/piwheels /opt/piwheels.old
mv "$stage" /opt/piwheels
trap - EXIT
rm -rf /opt/piwheels.old
for bin in /opt/piwheels/dist/cli/piw-*.js; do
  ln -sfn "$bin" "/usr/local/bin/$(basename "$bin" .js)"
done
runuser -u piwheels -- /usr/local/bin/piw-slave --version >/dev/null || die "piw-slave does not run as piwheels"

step "4/4 configuration and the systemd unit"
if [ -n "$master" ]; then
  [ ! -f /etc/piwheels.conf ] || cp -p /etc/piwheels.conf /etc/piwheels.conf.bak
  { echo "[slave]"; echo "master = $master"; [ -z "$label" ] || echo "label = $label"; } > /etc/piwheels.conf.new
  chmod 0644 /etc/piwheels.conf.new
  mv /etc/piwheels.conf.new /etc/piwheels.conf
fi
install -m 0644 /opt/piwheels/scripts/systemd/piwheels-slave.service /etc/systemd/system/piwheels-slave.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable piwheels-slave.service
  if [ "$start" = yes ]; then
    systemctl restart piwheels-slave.service
    systemctl --no-pager --lines=5 status piwheels-slave.service || true
  fi
else
  systemctl enable piwheels-slave.service 2>/dev/null || true
  step "systemd is not running here: the unit is installed and enabled, and starts at the next boot"
fi
step "done: piw-slave $(/usr/local/bin/piw-slave --version) for $(python3 -c 'import sys, sysconfig; print(f"cp{sys.version_info[0]}{sys.version_info[1]}", sysconfig.get_platform())')"
