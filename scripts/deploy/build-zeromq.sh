#!/bin/sh
# Builds zeromq.js's native addon against the system's libzmq, for machines its npm package has no
# prebuilt binary for: 32-bit Raspberry Pi OS (armhf). x86_64 and arm64 load the package's own binary, and
# then this script does nothing.
#
#   scripts/deploy/build-zeromq.sh [DIR]      DIR: the installed piwheels (default: the current directory)
#
# PIW_BUILD_ZEROMQ_ANYWAY=1 builds even where the prebuilt binary loads (to try the build on a PC).
#
# zeromq's own source build (cmake-ts) downloads its CMake helpers and, without npm_config_zmq_shared=true,
# libzmq itself through vcpkg; this builds the same C++ sources with node-gyp against Debian's libzmq3-dev
# (libzmq 4.3.x) instead, offline, and registers the result in the package's build manifest, where
# zeromq.js's loader looks. Needs: build-essential, pkg-config, libzmq3-dev, node-gyp (Debian's, or npm's
# own) and Node's headers (/usr/include/node: Debian's libnode-dev, or NodeSource's nodejs).
set -eu

dir=${1:-.}
zmq="$dir/node_modules/zeromq"
[ -d "$zmq" ] || { echo "build-zeromq: no $zmq: install the dependencies first (npm ci --omit=dev)" >&2; exit 1; }
zmq=$(cd "$zmq" && pwd)

if [ -z "${PIW_BUILD_ZEROMQ_ANYWAY:-}" ] && node -e 'require(process.argv[1])' "$zmq" 2>/dev/null; then
  echo "build-zeromq: zeromq already loads on this machine ($(uname -m)); nothing to build"
  exit 0
fi
pkg-config --exists libzmq || { echo "build-zeromq: libzmq not found by pkg-config: apt install libzmq3-dev pkg-config" >&2; exit 1; }

if command -v node-gyp >/dev/null 2>&1; then
  gyp="node-gyp"
else
  gyp="node $(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
fi
# Node's headers next to the node binary (/usr/include/node), so node-gyp never downloads them.
nodedir=$(dirname "$(dirname "$(command -v node)")")
[ -f "$nodedir/include/node/node_api.h" ] || { echo "build-zeromq: no Node headers in $nodedir/include/node: apt install libnode-dev" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# gyp wants sources relative to binding.gyp.
ln -s "$zmq/src" "$work/src"
sources=$(cd "$work" && for f in src/*.cc; do case "$f" in *win_delay_load_hook.cc) ;; *) printf '"%s",' "$f" ;; esac; done)
addon_api=$(cd "$zmq" && node -p "require('path').dirname(require.resolve('node-addon-api/package.json'))")
cat > "$work/binding.gyp" <<EOF
{
  "targets": [{
    "target_name": "addon",
    "sources": [${sources%,}],
    "include_dirs": ["$addon_api", "src"],
    "defines": ["NAPI_CPP_EXCEPTIONS", "BUILDING_NODE_EXTENSION"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=c++17"],
    "cflags_cc": ["-std=gnu++20", "-fexceptions", "-Wno-deprecated-declarations", "<!@(pkg-config --cflags libzmq)"],
    "libraries": ["<!@(pkg-config --libs libzmq)"]
  }]
}
EOF

echo "build-zeromq: building zeromq.js $(node -p "require('$zmq/package.json').version") against libzmq $(pkg-config --modversion libzmq) ($(uname -m))"
(cd "$work" && $gyp rebuild --nodedir="$nodedir" --jobs="$(nproc)")

# Where and how zeromq.js's loader (cmake-ts) finds it: build/<os>/<arch>/node/<libc>-<abi>-Release/addon.node,
# listed in build/manifest.json under a key naming the os, arch, libc and Node ABI.
node - "$zmq" "$work/build/Release/addon.node" <<'EOF'
const fs = require('fs');
const path = require('path');
const [zmq, built] = process.argv.slice(2);
const abi = Number(process.versions.modules);
const rel = path.join(process.platform, process.arch, 'node', `glibc-${abi}-Release`, 'addon.node');
fs.mkdirSync(path.dirname(path.join(zmq, 'build', rel)), { recursive: true });
fs.copyFileSync(built, path.join(zmq, 'build', rel));
const manifestFile = path.join(zmq, 'build', 'manifest.json');
const manifest = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : {};
const key = JSON.stringify({ name: '', cross: false, os: process.platform, arch: process.arch, runtime: 'node', nodeAPI: 'node-addon-api', runtimeVersion: process.versions.node, buildType: 'Release', dev: false, abi, libc: 'glibc' });
manifest[key] = rel;
fs.writeFileSync(manifestFile + '.tmp', JSON.stringify(manifest));
fs.renameSync(manifestFile + '.tmp', manifestFile);
EOF

node -e 'require(process.argv[1])' "$zmq"
addon="$zmq/build/linux/$(node -p process.arch)/node/glibc-$(node -p process.versions.modules)-Release/addon.node"
echo "build-zeromq: zeromq now loads $addon, linked against $(ldd "$addon" | grep -o 'libzmq[^ ]*' | head -n 1)"
