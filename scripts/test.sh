#!/usr/bin/env bash
# The whole test suite from a fresh machine with Node 20: installs what the tests drive
# (Chromium, Firefox ESR, WebKitGTK's WebDriver with an Xvfb for its MiniBrowser, clang +
# wasi-libc for the C fixtures, pnpm), the workspace, then runs every
# package's tests. Installing Debian packages needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v firefox-esr >/dev/null || need+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || need+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v clang >/dev/null || need+=(clang)
command -v wasm-ld >/dev/null || need+=(lld)
[ -d /usr/include/wasm32-wasi ] || need+=(wasi-libc)
command -v wasm-opt >/dev/null || need+=(binaryen)
ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev-wasm32)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

# `type -P` looks for a binary only: `command -v` would find this function itself.
pnpm() { if type -P pnpm >/dev/null; then command pnpm "$@"; else npx --yes pnpm@10 "$@"; fi; }
pnpm install --frozen-lockfile
pnpm test
