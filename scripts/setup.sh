#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine for the README's test command (`npm run setup && npm run check`); .ci/run calls
# it too. Idempotent: what is already there is left alone.
#   1. system packages: Chromium (the e2e tests drive it), a CJK font (fonts-wqy-microhei: the Chinese UI and its
#      screenshot), libopenblas-dev and a C/C++ toolchain (the native kernel addon, native/README.md), python3 with
#      pip (scripts/prepare-tfjs-node.mjs). Installed with apt-get when missing and root (or passwordless sudo) is
#      available; otherwise it stops and prints the exact command.
#   2. npm ci. Electron's install step downloads its binary; where that fails (offline) npm drops the optional
#      package, and with it the types `npm run typecheck` needs, so the package is then installed without its
#      binary (the Electron e2e flows skip and say why; the same flows run against the web host).
#   3. tfjs-node: kept when npm ci installed it; otherwise built from the tensorflow-cpu wheel
#      (scripts/prepare-tfjs-node.mjs). A failure is a note, unless FACTOR_INCEPTION_REQUIRE_TFJS_NODE=1 (CI).
#   4. the native kernel addon: npm ci builds it; with FACTOR_INCEPTION_REQUIRE_NATIVE=1 (CI) a missing one fails.
# --dry-run prints what it would install and run, and changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dry=0
[[ "${1:-}" == "--dry-run" ]] && dry=1
say() { echo "setup: $*"; }
on() { [[ "${1:-}" =~ ^(1|true|yes|on)$ ]]; }

need=()
if ! command -v chromium >/dev/null 2>&1 && [[ -z "${CHROMIUM_PATH:-}" ]]; then need+=(chromium); fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need+=(fonts-wqy-microhei); fi
blas=0
for h in /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h /usr/include/openblas/cblas.h /usr/include/cblas.h; do
  [[ -f $h ]] && blas=1
done
((blas)) || need+=(libopenblas-dev)
if ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then need+=(build-essential); fi
if ! python3 -m pip --version >/dev/null 2>&1; then need+=(python3-pip); fi

if ((${#need[@]})); then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need[*]}"
  if ((dry)); then
    say "would install: ${need[*]} ($cmd)"
  elif ! command -v apt-get >/dev/null 2>&1; then
    say "missing ${need[*]} and this is not a Debian/Ubuntu machine (no apt-get): install their equivalents, then rerun."
    exit 1
  elif [[ $(id -u) -eq 0 ]]; then
    say "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "installing ${need[*]} (sudo)"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    say "missing ${need[*]}. Install them, then rerun:"
    echo "  sudo sh -c '$cmd'"
    exit 1
  fi
else
  say "system packages present (chromium, CJK font, libopenblas-dev, compiler, pip)"
fi

electron_version=$(node -p "require('./package.json').optionalDependencies.electron")
if ((dry)); then
  say "would run: npm ci, then (if npm dropped electron) ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-save --ignore-scripts electron@$electron_version"
  say "would run: node scripts/prepare-tfjs-node.mjs (when @tensorflow/tfjs-node does not load after npm ci)"
  exit 0
fi

npm ci --no-audit --no-fund # its install script builds native/ (scripts/build-native.mjs)
if [[ ! -f node_modules/electron/package.json ]]; then
  say "npm dropped electron (its binary download failed); installing the package without the binary for its types"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-save --ignore-scripts --no-audit --no-fund "electron@$electron_version"
fi

if ! node scripts/prepare-tfjs-node.mjs; then
  if on "${FACTOR_INCEPTION_REQUIRE_TFJS_NODE:-}"; then
    say "tfjs-node is required here (FACTOR_INCEPTION_REQUIRE_TFJS_NODE=1) but could not be prepared"
    exit 1
  fi
  say "tfjs-node is not available: its tests skip and say why; training uses wasm"
fi

if [[ ! -f native/build/Release/factor_inception_native.node ]]; then
  if on "${FACTOR_INCEPTION_REQUIRE_NATIVE:-}"; then
    npm run build:native # fails loudly with the compiler's message
  else
    say "the native kernel addon was not built: its tests skip and say why; training runs on the wasm kernels alone"
  fi
fi
say "done; next: npm run check"
