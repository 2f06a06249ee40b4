#!/bin/sh
# build.sh makes slmscope's release files in dist/ from bin/slmscope and the pinned runtime in
# .runtime (run `make build` first; `make dist` does):
#
#   dist/slmscope_<version>_amd64.deb              nfpm; binary in /usr/bin, runtime in /usr/lib/slmscope
#   dist/slmscope-<version>-linux-amd64.tar.xz     portable folder: binary, runtime/, README, desktop file
#   dist/SHA256SUMS
#
# The version comes from FyneApp.toml (SLMSCOPE_VERSION overrides it, for upgrade checks). The
# .deb's Depends are derived, not written by hand: dpkg-shlibdeps on the binary and the runtime
# libraries, plus the packages shipping the dlopen'd libraries that dlopen.tsv marks "depends".
set -eu

SCRIPT=dist
. "$(dirname "$0")/common.sh"
OUT="${SLMSCOPE_DIST_DIR:-$ROOT/dist}"
WORK="$ROOT/build/dist"
NFPM="github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2"
GO="${GO:-go}"

[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] || die "make dist builds the linux amd64 packages; this is $(uname -s)/$(uname -m)"

# need_tools installs the Debian packages that provide the tools this script calls.
need_tools() {
    missing=""
    command -v dpkg-shlibdeps >/dev/null 2>&1 || missing="$missing dpkg-dev"
    command -v xz >/dev/null 2>&1 || missing="$missing xz-utils"
    command -v strings >/dev/null 2>&1 || missing="$missing binutils"
    [ -z "$missing" ] && return
    command -v apt-get >/dev/null 2>&1 || die "install:$missing"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    say "installing:$missing"
    $SUDO apt-get update -qq || true
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
        die "apt-get install failed for:$missing"
}

# toml KEY prints a string value of FyneApp.toml's [Details].
toml() { sed -n "s/^$1 *= *\"\\(.*\\)\"/\\1/p" "$ROOT/FyneApp.toml" | head -n 1; }

need_tools
VERSION="${SLMSCOPE_VERSION:-$(toml Version)}"
NAME=$(toml Name)
APPID=$(toml ID)
[ -n "$VERSION" ] && [ -n "$NAME" ] && [ -n "$APPID" ] || die "FyneApp.toml lacks Name, ID or Version"
PLATFORM=linux-x64
[ -f "$RT/llama/$PLATFORM/libllama.so" ] || die "no runtime in $RT/llama/$PLATFORM: run make setup"
[ -x "$ROOT/bin/slmscope" ] || die "no bin/slmscope: run make build"

# --- stage: the files both packages carry -------------------------------------------------------
STAGE="$WORK/stage"
rm -rf "$WORK"; mkdir -p "$STAGE/runtime/llama" "$OUT"
cp "$ROOT/bin/slmscope" "$STAGE/slmscope"
strip --strip-unneeded "$STAGE/slmscope" 2>/dev/null || true
# The llama.cpp libraries slmscope loads (libllama, libggml, libggml-base, the CPU backends, and
# in the Vulkan build libggml-vulkan) and their symlinks, for both builds: the worker loads the
# Vulkan build when the system has libvulkan.so.1, else the CPU build (see engine/worker).
# node-llama-cpp's addon and libllama-common are not used.
for v in "$PLATFORM" "$PLATFORM-vulkan"; do
    [ -f "$RT/llama/$v/libllama.so" ] || die "no runtime in $RT/llama/$v: run make setup"
    mkdir -p "$STAGE/runtime/llama/$v"
    for f in "$RT/llama/$v"/libllama* "$RT/llama/$v"/libggml* "$RT/llama/$v/.pinned"; do
        case "$(basename "$f")" in libllama-common.so) continue ;; esac
        cp -P "$f" "$STAGE/runtime/llama/$v/"
    done
done
mkdir -p "$STAGE/runtime/vocab" "$STAGE/runtime/echarts"
[ -f "$RT/fonts/DejaVuSansCondensed.ttf" ] || die "no fonts in $RT/fonts: run make setup"
cp "$RT"/vocab/*.gguf "$RT/vocab/.pinned" "$STAGE/runtime/vocab/"
cp "$RT/echarts/echarts.min.js" "$RT/echarts/.pinned" "$STAGE/runtime/echarts/"
mkdir -p "$STAGE/runtime/fonts"
cp "$RT"/fonts/*.ttf "$RT/fonts/LICENSE" "$RT/fonts/.pinned" "$STAGE/runtime/fonts/"
chmod -R u+rwX,go+rX,go-w "$STAGE/runtime"
cp "$ROOT/README.md" "$STAGE/README.md"
cp "$ROOT/ui/icon.png" "$STAGE/icon.png"
cat >"$STAGE/slmscope.desktop" <<EOF
[Desktop Entry]
Type=Application
Version=1.5
Name=$NAME
GenericName=Language model bench
Comment=What can this machine run? Measure small language models, project large ones
Exec=slmscope
Icon=$APPID
Terminal=false
Categories=Education;Science;
Keywords=LLM;SLM;llama.cpp;benchmark;lesson;quiz;
EOF

# --- Depends, derived ---------------------------------------------------------------------------
# dpkg-shlibdeps wants a debian/ tree: put links to the staged files there.
SHL="$WORK/shlibdeps"
mkdir -p "$SHL/debian/slmscope/DEBIAN" "$SHL/debian/slmscope/usr/bin" "$SHL/debian/slmscope/usr/lib"
printf 'Source: slmscope\n\nPackage: slmscope\nArchitecture: amd64\n' >"$SHL/debian/control"
cp "$STAGE/slmscope" "$SHL/debian/slmscope/usr/bin/"
cp -a "$STAGE/runtime" "$SHL/debian/slmscope/usr/lib/slmscope"
# libggml-vulkan.so needs libvulkan.so.1, which is a Recommends (nfpm.yaml), not a Depends:
# without it the app runs the CPU build and says so. Its other needs are the CPU build's.
LIBS="debian/slmscope/usr/lib/slmscope/llama/$PLATFORM"
VKLIBS="debian/slmscope/usr/lib/slmscope/llama/$PLATFORM-vulkan"
linked=$(cd "$SHL" && dpkg-shlibdeps -O -l"$LIBS" -l"$VKLIBS" debian/slmscope/usr/bin/slmscope \
    $(cd "$SHL" && find "$LIBS" "$VKLIBS" -name '*.so' -type f ! -name 'libggml-vulkan.so' | sort) 2>"$WORK/shlibdeps.log") ||
    die "dpkg-shlibdeps failed: $(tail -n 3 "$WORK/shlibdeps.log")"
linked=${linked#shlibs:Depends=}
[ -n "$linked" ] || die "dpkg-shlibdeps found no dependencies"

# The binary's C parts (GLFW) name their dlopen'd libraries as C strings: all must be in the table.
TABLE="$HERE/dlopen.tsv"
for so in $(strings -a "$STAGE/slmscope" | grep -E '^lib[A-Za-z0-9_+-]+\.so(\.[0-9]+)*$' | sort -u); do
    awk -F'\t' -v s="$so" '$1==s {f=1} END {exit !f}' "$TABLE" || die "$so is loaded by the binary but not in $TABLE: add it as depends or optional"
done
dlopened=""
for so in $(awk -F'\t' '!/^#/ && $2=="depends" {print $1}' "$TABLE"); do
    grep -qaF "$so" "$STAGE/slmscope" || die "$TABLE lists $so, but the binary no longer names it: remove it"
    path=$(ldconfig -p | awk -v s="$so" '$1==s && /x86-64/ {print $NF; exit}')
    [ -n "$path" ] || die "$so is not installed here, so its package cannot be found (run make setup)"
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n 1 | cut -d: -f1)
    [ -n "$pkg" ] || die "no Debian package owns $path"
    dlopened="$dlopened, $pkg"
done
DEPENDS="$linked$dlopened"
say "Depends: $DEPENDS"
printf '%s\n' "$DEPENDS" >"$WORK/depends"

# --- the .deb -------------------------------------------------------------------------------------
DEB="$OUT/slmscope_${VERSION}_amd64.deb"
rm -f "$DEB"
SLMSCOPE_VERSION="$VERSION" SLMSCOPE_DEPENDS="$DEPENDS" SLMSCOPE_STAGE="$STAGE" \
    "$GO" run "$NFPM" package --config "$HERE/nfpm.yaml" --packager deb --target "$DEB" >"$WORK/nfpm.log" 2>&1 ||
    die "nfpm failed: $(tail -n 5 "$WORK/nfpm.log")"

# --- the portable folder --------------------------------------------------------------------------
DIR="slmscope-$VERSION-linux-amd64"
TXZ="$OUT/$DIR.tar.xz"
P="$WORK/portable/$DIR"
mkdir -p "$P"
cp -a "$STAGE/slmscope" "$STAGE/runtime" "$STAGE/README.md" "$STAGE/icon.png" "$P/"
sed "s|^Icon=.*|Icon=$APPID|" "$STAGE/slmscope.desktop" >"$P/slmscope.desktop"
cat >"$P/INSTALL.txt" <<EOF
slmscope $VERSION, portable folder for Linux x86_64.

Run ./slmscope from this folder (it may be read-only, e.g. a USB stick or a CD): it finds
runtime/ beside itself. Caches and settings go to ~/.cache/slmscope and ~/.config/slmscope.

It needs these Debian 12 packages (sudo apt-get install ...):
  $(printf '%s' "$DEPENDS" | sed 's/ ([^)]*)//g; s/,//g')

For a menu entry, copy slmscope.desktop to ~/.local/share/applications/, set Exec= to the
full path of ./slmscope, and copy icon.png to ~/.local/share/icons/$APPID.png.
EOF
rm -f "$TXZ"
mtime="@$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)"
tar -C "$WORK/portable" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -cf - "$DIR" |
    xz -T2 -6 >"$TXZ"

(cd "$OUT" && sha256sum "$(basename "$DEB")" "$(basename "$TXZ")" >SHA256SUMS)
say "$(cd "$OUT" && ls -l --block-size=K "$(basename "$DEB")" "$(basename "$TXZ")" | awk '{print $9 " " $5}' | tr '\n' ' ')"
say "ok: $OUT"
