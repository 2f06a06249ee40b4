#!/bin/sh
# windows-dist.sh makes slmscope's Windows x64 release in dist/ (`make dist-windows`):
#
#   dist/slmscope-<version>-windows-amd64.zip          portable folder: slmscope.exe, runtime\, README
#   dist/slmscope-<version>-windows-amd64-setup.exe    NSIS installer (per user, Start menu, uninstaller)
#
# and adds both to dist/SHA256SUMS. slmscope.exe is cross-compiled with mingw-w64 (Fyne needs
# cgo); llama.cpp comes from windows-llama.sh (the CPU build) and windows-vulkan.sh (the Vulkan
# build, which the worker takes when vulkan-1.dll opens), both built once and cached in
# .runtime/windows (SLMSCOPE_WIN_VULKAN=none leaves the Vulkan build out); libffi is
# the DLL the pinned Go module github.com/jupiterrider/ffi carries, shipped beside the exe (build
# tag ffi_no_embed, so nothing is written to the user's AppData at start).
set -eu

SCRIPT=dist-windows
. "$(dirname "$0")/common.sh"
OUT="${SLMSCOPE_DIST_DIR:-$ROOT/dist}"
WORK="$ROOT/build/win"
GO="${GO:-go}"

toml() { sed -n "s/^$1 *= *\"\\(.*\\)\"/\\1/p" "$ROOT/FyneApp.toml" | head -n 1; }
t0=$(date +%s)
lap() { say "$1: $(($(date +%s) - t0)) s"; t0=$(date +%s); }

sh "$HERE/windows-tools.sh"
sh "$ROOT/engine/assets/setup.sh" >/dev/null
lap "tools and setup"
sh "$HERE/windows-llama.sh"
lap "llama.cpp for Windows"
if [ "${SLMSCOPE_WIN_VULKAN:-}" != none ]; then
    sh "$HERE/windows-vulkan.sh"
    lap "llama.cpp's Vulkan backend for Windows"
fi
VERSION="${SLMSCOPE_VERSION:-$(toml Version)}"
[ -n "$VERSION" ] || die "FyneApp.toml lacks Version"

mkdir -p "$WORK" "$OUT"
# The exe's own icon (Explorer, the taskbar, Alt+Tab): a resource object that go build links
# from the main package's folder while it is there, made by mingw's windres.
convert "$ROOT/ui/icon.png" -define icon:auto-resize=256,64,48,32,16 "$WORK/icon.ico"
printf '1 ICON "%s"\n' "$WORK/icon.ico" >"$WORK/slmscope.rc"
SYSO="$ROOT/zz_icon_windows_amd64.syso"
trap 'rm -f "$SYSO"' EXIT
x86_64-w64-mingw32-windres -O coff -o "$SYSO" "$WORK/slmscope.rc" || die "windres could not make the icon resource"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
    nice -n 10 "$GO" build -trimpath -tags ffi_no_embed -ldflags "-s -w" -o "$WORK/slmscope.exe" "$ROOT" ||
    die "cross-compiling slmscope.exe failed"
rm -f "$SYSO"
lap "slmscope.exe"

DIR="slmscope-$VERSION-windows-amd64"
P="$WORK/portable/$DIR"
rm -rf "$WORK/portable"; mkdir -p "$P/runtime/llama"
cp "$WORK/slmscope.exe" "$P/"
FFI="$("$GO" env GOMODCACHE)/github.com/jupiterrider/ffi@$(cd "$ROOT" && "$GO" list -m -f '{{.Version}}' github.com/jupiterrider/ffi)/assets/libffi"
cp "$FFI/windows_amd64/libffi-8.dll" "$P/"
cp -r "$RT/windows/llama/win-x64" "$P/runtime/llama/win-x64"
if [ "${SLMSCOPE_WIN_VULKAN:-}" != none ]; then
    cp -r "$RT/windows/llama/win-x64-vulkan" "$P/runtime/llama/win-x64-vulkan"
    rm "$P/runtime/llama/win-x64-vulkan/LICENSE-llama.cpp.txt"
fi
for d in vocab echarts fonts; do cp -r "$RT/$d" "$P/runtime/$d"; done
mkdir -p "$P/runtime/licenses"
cp "$FFI/LICENSE" "$P/runtime/licenses/libffi.txt"
mv "$P/runtime/llama/win-x64/LICENSE-llama.cpp.txt" "$P/runtime/licenses/llama.cpp.txt"
[ -f "$P/runtime/llama/win-x64-vulkan/LICENSE-vulkan-headers.txt" ] &&
    mv "$P/runtime/llama/win-x64-vulkan/LICENSE-vulkan-headers.txt" "$P/runtime/licenses/vulkan-headers.txt"
cp "$ROOT/README.md" "$P/README.md"
cp "$WORK/icon.ico" "$P/icon.ico"
cat >"$P/INSTALL.txt" <<TXT
slmscope $VERSION, portable folder for Windows 10 and 11 (x64).

Run slmscope.exe from this folder (it may be read-only, e.g. a USB stick): it finds runtime\
beside itself. Twins and caches go to %LOCALAPPDATA%\slmscope, progress and settings to
%APPDATA%\slmscope. From a command prompt: slmscope.exe help.
TXT
# Same bytes from the same commit: every file gets the commit's time.
mtime=$(git -C "$ROOT" log -1 --format=%cd --date=format:%Y%m%d%H%M.%S 2>/dev/null || date +%Y%m%d%H%M.%S)
find "$WORK/portable" -exec touch -t "$mtime" {} +
ZIP="$OUT/$DIR.zip"
rm -f "$ZIP"
(cd "$WORK/portable" && find "$DIR" | LC_ALL=C sort | zip -X -q -9 "$ZIP" -@)
lap "zip"

SETUP="$OUT/$DIR-setup.exe"
rm -f "$SETUP"
makensis -V2 -DVERSION="$VERSION" -DSRC="$P" -DOUTFILE="$SETUP" "$HERE/windows/slmscope.nsi" >"$WORK/nsis.log" 2>&1 ||
    { tail -n 20 "$WORK/nsis.log" >&2; die "makensis failed"; }
lap "installer"

# SHA256SUMS keeps the other platforms' lines and replaces these two.
touch "$OUT/SHA256SUMS"
grep -v -e " $DIR.zip\$" -e " $DIR-setup.exe\$" "$OUT/SHA256SUMS" >"$OUT/SHA256SUMS.new" || true
(cd "$OUT" && sha256sum "$DIR.zip" "$DIR-setup.exe") >>"$OUT/SHA256SUMS.new"
mv "$OUT/SHA256SUMS.new" "$OUT/SHA256SUMS"
say "$(cd "$OUT" && ls -l --block-size=K "$DIR.zip" "$DIR-setup.exe" | awk '{print $9 " " $5}' | tr '\n' ' ')"
say "ok: $OUT"
