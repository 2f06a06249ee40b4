#!/bin/sh
# windows-vulkan-check.sh runs the Windows release's Vulkan build under Wine on Mesa's software
# Vulkan device (lavapipe, through Wine's winevulkan, which needs an X display: Xvfb), in a fresh
# prefix, from the zip that `make dist-windows` made: the worker must take win-x64-vulkan,
# llama.cpp must list the device, and a bench of the SmolLM2-135M twin with 2 of 31 layers on it
# must generate with buffers on Vulkan0. Then, with vulkan-1.dll switched off, the worker must
# fall back to the CPU build and say why. Run by `make dist-windows-check` (and alone as
# `make dist-windows-vulkan-check`).
set -eu
SCRIPT=dist-windows-vulkan-check
. "$(dirname "$0")/common.sh"
OUT="${SLMSCOPE_DIST_DIR:-$ROOT/dist}"
WORK="$ROOT/build/win/vulkan-check"
VERSION=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' "$ROOT/FyneApp.toml" | head -n 1)
DIR="slmscope-$VERSION-windows-amd64"

[ -f "$OUT/$DIR.zip" ] || die "no $OUT/$DIR.zip: run make dist-windows"
dpkg-query -W -f='${Status}' mesa-vulkan-drivers 2>/dev/null | grep -q "install ok installed" || die "install mesa-vulkan-drivers (lavapipe)"
rm -rf "$WORK"; mkdir -p "$WORK"
(cd "$WORK" && unzip -q "$OUT/$DIR.zip" && mv "$DIR" app)
[ -f "$WORK/app/runtime/llama/win-x64-vulkan/ggml-vulkan.dll" ] || die "the zip carries no runtime\\llama\\win-x64-vulkan\\ggml-vulkan.dll"
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
Xvfb :95 -screen 0 1024x768x24 >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null || true; wineserver -k 2>/dev/null || true' EXIT
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
# A Windows machine without a Vulkan driver: the CPU build, and the sentence that says why.
WINEDLLOVERRIDES="$WINEDLLOVERRIDES;vulkan-1=d" wine "$EXE" probe --json >"$WORK/novk.json" 2>"$WORK/novk.err" ||
    die "probe without vulkan-1.dll: $(tail -n 3 "$WORK/novk.err")"
grep -q 'win-x64 build' "$WORK/novk.json" || die "without vulkan-1.dll the worker did not take the win-x64 CPU build"
grep -q 'vulkan-1.dll cannot be opened.*graphics driver' "$WORK/novk.json" || die "without vulkan-1.dll probe does not say why models run on the CPU"
say "probe without vulkan-1.dll: the CPU build, with the sentence why"
say "ok"
