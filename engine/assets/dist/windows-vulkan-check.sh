#!/bin/sh
# windows-vulkan-check.sh runs the Windows Vulkan build under Wine on Mesa's software Vulkan
# device (lavapipe, through Wine's winevulkan, which needs an X display: Xvfb), in a fresh
# prefix: the worker must take win-x64-vulkan, llama.cpp must list the device, and a bench of
# the SmolLM2-135M twin with 2 of 31 layers on it must generate with buffers on Vulkan0.
# `make dist-windows-vulkan-check` (after `make dist-windows`); not yet part of `.ci/run`.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/engine/assets/dist"
WORK="$ROOT/build/win/vulkan-check"
VERSION=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' "$ROOT/FyneApp.toml" | head -n 1)
P="$ROOT/build/win/portable/slmscope-$VERSION-windows-amd64"
VKB="$ROOT/.runtime/windows/llama/win-x64-vulkan"
say() { printf 'dist-windows-vulkan-check: %s\n' "$*" >&2; }
die() { printf 'dist-windows-vulkan-check: FAIL: %s\n' "$*" >&2; exit 1; }

[ -f "$P/slmscope.exe" ] || die "no $P: run make dist-windows"
[ -f "$VKB/ggml-vulkan.dll" ] || die "no $VKB/ggml-vulkan.dll: run make dist-windows-vulkan"
dpkg-query -W -f='${Status}' mesa-vulkan-drivers 2>/dev/null | grep -q "install ok installed" || die "install mesa-vulkan-drivers (lavapipe)"
rm -rf "$WORK"; mkdir -p "$WORK"
cp -r "$P" "$WORK/app"
cp -r "$VKB" "$WORK/app/runtime/llama/win-x64-vulkan"
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
Xvfb :95 -screen 0 1024x768x24 >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null; wineserver -k 2>/dev/null || true' EXIT
export DISPLAY=:95 GGML_VK_VISIBLE_DEVICES=0
wineboot -i >/dev/null 2>&1
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$HERE/windows/bcryptprimitives.c" -ladvapi32
EXE="$WORK/app/slmscope.exe"
wine "$EXE" probe --json >"$WORK/probe.json" 2>"$WORK/probe.err" || die "probe: $(tail -n 3 "$WORK/probe.err")"
grep -q 'win-x64-vulkan build' "$WORK/probe.json" || die "the worker did not take the win-x64-vulkan build"
grep -q '"name": "Vulkan0"' "$WORK/probe.json" || die "llama.cpp lists no Vulkan0 device under Wine with lavapipe"
say "probe: the win-x64-vulkan build lists Vulkan0 (lavapipe through winevulkan)"
wine "$EXE" bench --model twin:smollm2-135m --prompt-tokens 8 --gen-tokens 4 --repeat 1 --device Vulkan0 --gpu-layers 2 --json \
    >"$WORK/bench.json" 2>"$WORK/bench.err" || die "bench on Vulkan0: $(tail -n 3 "$WORK/bench.err")"
grep -q '"offloaded": "2/31"' "$WORK/bench.json" || die "bench did not put 2 of 31 layers on the GPU"
grep -q '"device": "Vulkan0"' "$WORK/bench.json" || die "no llama.cpp buffer on Vulkan0"
grep -q '"gen_tokens": 4' "$WORK/bench.json" || die "bench on Vulkan0 generated no tokens"
say "bench: 2/31 layers on Vulkan0, 4 tokens generated"
say "ok"
