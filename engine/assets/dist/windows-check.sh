#!/bin/sh
# windows-check.sh runs the Windows release under Wine 8.0 in a fresh prefix under Xvfb
# (`make dist-windows-check`): probe, the state files' two-process tests, lessons check, bench
# on the SmolLM2-135M twin (writes the twin, generates), the same from folders whose names have
# spaces and non-ASCII letters, the GUI window (screenshot kept as dist/windows-gui.png), then
# the installer installs and uninstalls silently, leaving nothing behind in the prefix's drive_c
# or registry key; then the Vulkan build on lavapipe (windows-vulkan-check.sh).
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/engine/assets/dist"
OUT="${SLMSCOPE_DIST_DIR:-$ROOT/dist}"
WORK="$ROOT/build/win/check"
VERSION=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' "$ROOT/FyneApp.toml" | head -n 1)
DIR="slmscope-$VERSION-windows-amd64"
say() { printf 'dist-windows-check: %s\n' "$*" >&2; }
die() { printf 'dist-windows-check: FAIL: %s\n' "$*" >&2; exit 1; }
t0=$(date +%s)
lap() { say "$1 ok ($(($(date +%s) - t0)) s)"; t0=$(date +%s); }

[ -f "$OUT/$DIR.zip" ] || die "no $OUT/$DIR.zip: run make dist-windows"
rm -rf "$WORK"; mkdir -p "$WORK"
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
Xvfb :93 -screen 0 1280x800x24 >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null || true; wineserver -k 2>/dev/null || true' EXIT
export DISPLAY=:93
wineboot -i >/dev/null 2>&1
# Go 1.24+ needs ProcessPrng from bcryptprimitives.dll (every Windows 10/11 has it; Wine 8.0 not).
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$HERE/windows/bcryptprimitives.c" -ladvapi32
lap "fresh Wine prefix"

(cd "$WORK" && unzip -q "$OUT/$DIR.zip")
EXE="$WORK/$DIR/slmscope.exe"
x86_64-w64-mingw32-objdump -h "$EXE" | grep -q '\.rsrc' || die "slmscope.exe has no resource section: its icon is missing"
wine "$EXE" probe --json >"$WORK/probe.json" 2>"$WORK/probe.err" || die "probe: $(tail -n 3 "$WORK/probe.err")"
grep -q '"os": "windows"' "$WORK/probe.json" || die "probe --json did not say windows"
# Wine has no WMI Win32_Processor; the CPU's name comes from the registry, as on Windows.
grep -A1 '"cpu": {' "$WORK/probe.json" | grep -q '"model": "[^"]' || die "probe --json named no CPU model"
lap "probe --json"
# The state files' two-process tests as Windows binaries: two processes update one file at the
# same moment through LockFileEx, and no update is lost (calibration cache, state file, runs).
GO="${GO:-go}"
for t in internal/statefile:TestTwoProcesses engine/estimate:TestCalibrationTwoProcesses engine/runs:TestTwoProcessesAppend; do
    pkg=${t%%:*} name=${t#*:} exe="$WORK/$(basename "${t%%:*}").test.exe"
    (cd "$ROOT" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 "$GO" test -c -o "$exe" "./$pkg") || die "go test -c ./$pkg for windows"
    wine "$exe" -test.run "^$name\$" -test.v >"$WORK/$name.out" 2>&1 || die "$name under Wine: $(tail -n 5 "$WORK/$name.out")"
    grep -q -- "--- PASS: $name " "$WORK/$name.out" || die "$name did not run under Wine: $(tail -n 3 "$WORK/$name.out")"
done
lap "two-process state-file tests (statefile, calibration cache, runs)"
wine "$EXE" lessons check >"$WORK/lessons.out" 2>&1 || die "lessons check: $(tail -n 3 "$WORK/lessons.out")"
lap "lessons check"
wine "$EXE" bench --model twin:smollm2-135m --json >"$WORK/bench.json" 2>"$WORK/bench.err" || die "bench: $(tail -n 3 "$WORK/bench.err")"
ls "$WINEPREFIX"/drive_c/users/*/AppData/Local/slmscope/twins/smollm2-135m.*.gguf >/dev/null 2>&1 || die "bench wrote no twin"
gen=$(sed -n 's/^  "gen_tps": \([0-9.]*\).*/\1/p' "$WORK/bench.json")
awk -v g="$gen" 'BEGIN {exit !(g > 0)}' || die "bench generated no tokens"
rss=$(sed -n 's/^  "peak_rss_bytes": \([0-9]*\).*/\1/p' "$WORK/bench.json")
[ "${rss:-0}" -gt 0 ] || die "bench measured no peak memory (the worker's K32GetProcessMemoryInfo)"
lap "bench (generation $gen tok/s under Wine, peak memory $rss bytes)"

# Paths with spaces and letters beyond ASCII: the portable folder (the runtime and llama.cpp's
# DLLs are found and loaded from it) and the twin folder (written, then mapped by llama.cpp).
odd="$WORK/Zoë Müller/slmscope $VERSION"
mkdir -p "$WORK/Zoë Müller"
cp -r "$WORK/$DIR" "$odd"
SLMSCOPE_TWIN_DIR="$(winepath -w "$WORK/Zoë Müller/twins ü")" wine "$odd/slmscope.exe" bench --model twin:smollm2-135m \
    --prompt-tokens 16 --gen-tokens 8 --repeat 1 --json >"$WORK/odd.json" 2>"$WORK/odd.err" || die "bench from a folder with spaces and non-ASCII letters: $(tail -n 3 "$WORK/odd.err")"
ls "$WORK/Zoë Müller/twins ü"/smollm2-135m.*.gguf >/dev/null 2>&1 || die "no twin written in a folder with spaces and non-ASCII letters"
grep -q '"gen_tokens": 8' "$WORK/odd.json" || die "bench from a folder with spaces and non-ASCII letters generated no tokens"
lap "paths with spaces and non-ASCII letters"

wine "$EXE" >"$WORK/gui.log" 2>&1 &
shot="$OUT/windows-gui.png"
rm -f "$shot"
for _ in $(seq 60); do
    sleep 2
    if xwininfo -root -tree 2>/dev/null | grep -q '"slmscope'; then sleep 8; import -window root "$shot"; break; fi
done
wineserver -k 2>/dev/null || true
[ -s "$shot" ] || die "no slmscope window appeared within 2 minutes: $(tail -n 3 "$WORK/gui.log")"
lap "GUI window (screenshot $shot)"

wineboot -i >/dev/null 2>&1
before="$WORK/before.txt"; after="$WORK/after.txt"
snap() { (cd "$WINEPREFIX/drive_c" && find . -path ./windows -prune -o -print | grep -v -e '/Temp/' -e '/temp/' | LC_ALL=C sort) >"$1"; }
snap "$before"
wine "$OUT/$DIR-setup.exe" /S
wineserver -w
INST="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Local/Programs/slmscope"
[ -f "$INST/slmscope.exe" ] && [ -f "$INST/Uninstall.exe" ] || die "the installer put no slmscope.exe / Uninstall.exe in $INST"
if [ "${SLMSCOPE_WIN_VULKAN:-}" != none ]; then
    [ -f "$INST/runtime/llama/win-x64-vulkan/ggml-vulkan.dll" ] || die "the installer put no Vulkan build in $INST/runtime/llama"
fi
find "$WINEPREFIX/drive_c" -name 'slmscope.lnk' | grep -q . || die "no Start-menu shortcut"
wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\slmscope' >/dev/null 2>&1 || die "no uninstall registry key"
wine "$INST/slmscope.exe" probe --json >/dev/null 2>&1 || die "the installed slmscope.exe probe failed"
lap "installer /S (installed, Start-menu entry, registry key, probe from the install folder)"
wine "$INST/Uninstall.exe" /S /PURGE
wineserver -w
sleep 3
snap "$after"
left=$(diff "$before" "$after" | grep '^>' || true)
[ -z "$left" ] || die "left behind after uninstall: $left"
wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\slmscope' >/dev/null 2>&1 && die "uninstall registry key left"
lap "uninstaller /S /PURGE (nothing left in drive_c or the registry key)"
wineserver -k 2>/dev/null || true
kill $XPID 2>/dev/null || true
if [ "${SLMSCOPE_WIN_VULKAN:-}" != none ]; then
    sh "$HERE/windows-vulkan-check.sh"
    lap "the Vulkan build on lavapipe, and the CPU build without vulkan-1.dll"
fi
say "ok"
