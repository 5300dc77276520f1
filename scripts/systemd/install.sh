#!/bin/sh
# Installs piwheels' systemd units (run as root, after the piw-* commands are in /usr/local/bin):
#
#   scripts/systemd/install.sh master [--no-start]    piwheels-master.service
#   scripts/systemd/install.sh sense [--no-start]     piwheels-sense.service
#   scripts/systemd/install.sh slave [--no-start]     piwheels-slave.service (scripts/deploy/deploy-slave.sh
#                                                     does this and the rest of a slave's installation)
#
# Makes the user and group piwheels if missing (the units run as piwheels), the master's output directory
# /var/www/piwheels (owned by piwheels, readable by the web server), copies the unit, enables it and
# starts it. Settings go in /etc/piwheels.conf ([master] dsn, output_path ...; [slave] master, label ...).
set -eu

die() { echo "install: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: install.sh master|slave|sense [--no-start]"
what=$1
start=yes
[ "${2:-}" != "--no-start" ] || start=no
case "$what" in master|slave|sense) ;; *) die "no unit for $what: master, slave or sense" ;; esac
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "/usr/local/bin/piw-$what" ] || die "/usr/local/bin/piw-$what is missing: install piwheels first (README, \"Running in production\")"
here=$(cd "$(dirname "$0")" && pwd)

getent group piwheels >/dev/null || groupadd piwheels
getent passwd piwheels >/dev/null || useradd --gid piwheels --create-home --home-dir /home/piwheels --shell /bin/bash piwheels
if [ "$what" = master ]; then
  install -d -o piwheels -g piwheels -m 0755 /var/www/piwheels
fi
install -m 0644 "$here/piwheels-$what.service" "/etc/systemd/system/piwheels-$what.service"
systemctl daemon-reload
systemctl enable "piwheels-$what.service"
if [ "$start" = yes ]; then
  # Type=notify: this returns once the service says it is ready (the master: every task up, every socket bound).
  systemctl restart "piwheels-$what.service"
  systemctl --no-pager --lines=5 status "piwheels-$what.service" || true
fi
