#!/bin/sh
# Makes piwheels-<version>.tar.gz: piwheels ready to install on a machine without its development tools
# (a build slave on a Raspberry Pi, or a master): the compiled dist/, package.json with package-lock.json
# (the exact dependencies, installed with `npm ci --omit=dev`), the schema's SQL, the site's templates, the
# systemd units and the deploy scripts. Run it where the repository is checked out and `npm ci` has run:
#
#   scripts/deploy/bundle.sh [OUTDIR]       (prints the tarball's path)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-.}" && cd "${1:-.}" && pwd)
cd "$here"
npm run --silent build >&2
version=$(node -p "require('./package.json').version")
name="piwheels-$version"
tar --create --gzip --file "$out/$name.tar.gz" --owner=0 --group=0 --mode='u+rwX,go+rX,go-w' \
  --transform "s,^,$name/," \
  package.json package-lock.json .npmrc README.md dist schema/sql web-templates scripts/systemd scripts/deploy
echo "$out/$name.tar.gz"
